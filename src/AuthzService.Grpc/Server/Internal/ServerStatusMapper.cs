using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>
/// The one place where a handler's failure becomes the status the caller sees. The exception is
/// logged in full; its text never reaches the caller.
/// </summary>
internal static class ServerStatusMapper
{
    public const string GenericErrorMessage = "Exception was thrown by handler.";
    public const string DeadlineExceededMessage = "Deadline Exceeded";
    public const string CancelledMessage = "Call canceled by the client.";

    public static readonly Status DeadlineExceeded = new(StatusCode.DeadlineExceeded, DeadlineExceededMessage);

    public static (Status Status, Metadata? Trailers) Map(
        Exception exception, bool deadlineExceeded, bool clientCancelled, string path, ILogger logger,
        IRpcExceptionMapper? hostMapper = null)
    {
        // The host's own exception types come first, but a deadline or client cancellation still wins:
        // the caller is gone or out of time, whatever the handler was doing when it noticed.
        if (hostMapper is not null && exception is not RpcException && !deadlineExceeded && !clientCancelled
            && hostMapper.Map(exception) is { } mapped)
        {
            GrpcServerLog.HandlerFailed(logger, path, mapped.StatusCode, exception);
            return (mapped, null);
        }

        switch (exception)
        {
            case RpcException rpc:
                GrpcServerLog.RpcError(logger, path, rpc.StatusCode, rpc.Status.Detail);
                return (rpc.Status, rpc.Trailers);
            case OperationCanceledException or IOException when deadlineExceeded:
                GrpcServerLog.DeadlineExceeded(logger, path);
                return (DeadlineExceeded, null);
            case OperationCanceledException or IOException when clientCancelled:
                GrpcServerLog.CallCancelled(logger, path);
                return (new Status(StatusCode.Cancelled, CancelledMessage), null);
            default:
                GrpcServerLog.HandlerFailed(logger, path, StatusCode.Unknown, exception);
                return (new Status(StatusCode.Unknown, GenericErrorMessage), null);
        }
    }
}
