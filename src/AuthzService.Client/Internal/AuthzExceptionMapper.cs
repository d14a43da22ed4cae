using Grpc.Core;

namespace AuthzService.Client.Internal;

/// <summary>The one place that turns a failed call into the client's typed exceptions.</summary>
internal static class AuthzExceptionMapper
{
    public static Exception Map(RpcException ex, CancellationToken cancellationToken)
    {
        var detail = string.IsNullOrEmpty(ex.Status.Detail) ? ex.StatusCode.ToString() : ex.Status.Detail;
        return ex.StatusCode switch
        {
            // The caller cancelled: .NET callers expect OperationCanceledException, not a status.
            StatusCode.Cancelled when cancellationToken.IsCancellationRequested =>
                new OperationCanceledException("The AuthzService call was cancelled.", ex, cancellationToken),
            StatusCode.InvalidArgument => new AuthzValidationException(detail, ex),
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => new AuthzPermissionDeniedException(ex.StatusCode, detail, ex),
            StatusCode.Unavailable => new AuthzUnavailableException(StatusCode.Unavailable, detail, ex),
            StatusCode.DeadlineExceeded => new AuthzDeadlineExceededException(StatusCode.DeadlineExceeded, detail, ex),
            _ => new AuthzException(ex.StatusCode, detail, ex),
        };
    }
}
