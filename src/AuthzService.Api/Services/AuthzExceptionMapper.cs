using AuthzService.Core.Decisions;
using AuthzService.Core.Directory;
using AuthzService.Core.Tenancy;
using AuthzService.Grpc;
using AuthzService.Grpc.Server;
using Npgsql;

namespace AuthzService.Api.Services;

/// <summary>
/// The one place domain failures become statuses. Messages help the caller without leaking
/// internals; the full exception is logged by the server layer. No mapping ever yields OK.
/// </summary>
internal sealed class AuthzExceptionMapper : IRpcExceptionMapper
{
    public Status? Map(Exception exception) => exception switch
    {
        PdpUnavailableException => new Status(StatusCode.Unavailable, "Policy decision point unavailable; no decision was made."),
        PdpDeadlineExceededException => new Status(StatusCode.DeadlineExceeded, "The call's deadline passed before the policy decision point answered; no decision was made."),
        PdpProtocolException => new Status(StatusCode.Internal, "Policy decision point returned an answer that could not be used; no decision was made."),
        TenantMismatchException e => new Status(StatusCode.PermissionDenied, e.Message),
        PdpRejectedInputException e => new Status(StatusCode.InvalidArgument, $"{e.Field}: {e.Message}"),
        DirectoryException { Code: DirectoryErrorCode.InvalidArgument } e => new Status(StatusCode.InvalidArgument, e.Message),
        DirectoryException { Code: DirectoryErrorCode.TenantNotFound } e => new Status(StatusCode.FailedPrecondition, e.Message),
        DirectoryException => new Status(StatusCode.Unavailable, "Membership store unavailable."),
        NpgsqlException or TimeoutException => new Status(StatusCode.Unavailable, "Membership store unavailable."),
        _ => null,
    };
}
