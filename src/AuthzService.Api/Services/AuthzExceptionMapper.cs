using AuthzService.Core.Decisions;
using AuthzService.Core.Directory;
using AuthzService.Core.Tenancy;
using Grpc.Core;

namespace AuthzService.Api.Services;

/// <summary>
/// The one place domain failures become statuses (applied by <see cref="Serving.StatusMappingInterceptor"/>).
/// Messages help the caller without leaking internals; the full exception is logged there. No mapping ever
/// yields OK.
/// </summary>
internal static class AuthzExceptionMapper
{
    public static Status? Map(Exception exception) => exception switch
    {
        PdpUnavailableException => new Status(StatusCode.Unavailable, "Policy decision point unavailable; no decision was made."),
        PdpDeadlineExceededException => new Status(StatusCode.DeadlineExceeded, "The call's deadline passed before the policy decision point answered; no decision was made."),
        PdpProtocolException => new Status(StatusCode.Internal, "Policy decision point returned an answer that could not be used; no decision was made."),
        TenantMismatchException e => new Status(StatusCode.PermissionDenied, e.Message),
        PdpRejectedInputException e => new Status(StatusCode.InvalidArgument, $"{e.Field}: {e.Message}"),
        DirectoryException { Code: DirectoryErrorCode.InvalidArgument } e => new Status(StatusCode.InvalidArgument, e.Message),
        DirectoryException { Code: DirectoryErrorCode.TenantNotFound } e => new Status(StatusCode.FailedPrecondition, e.Message),
        DirectoryException or TimeoutException => new Status(StatusCode.Unavailable, "Membership store unavailable."),
        _ => null,
    };
}
