using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Tenancy;
using Grpc.Core;

namespace AuthzService.Api.Serving;

/// <summary>What a failure means: the status the caller gets and the reason the decision audit records.</summary>
/// <param name="Status">The status to answer with; null when the exception is not a known domain failure.</param>
/// <param name="AuditReason">The <c>Reason</c> of the DENY events the audit writes for the failed call.</param>
internal readonly record struct FailureClass(Status? Status, string AuditReason);

/// <summary>
/// The one place a failure is classified. <see cref="StatusMappingInterceptor"/> answers with
/// <see cref="FailureClass.Status"/> and the decision audit writes <see cref="FailureClass.AuditReason"/>, so the
/// caller's status and the audit can never disagree about what went wrong. Messages help the caller without
/// leaking internals (the full exception is logged by the interceptor). No classification ever yields OK.
/// </summary>
internal static class FailureClassifier
{
    public const string PdpUnavailable = "pdp_unavailable";

    public static FailureClass Classify(Exception exception) => exception switch
    {
        PdpUnavailableException => new(
            new Status(StatusCode.Unavailable, "Policy decision point unavailable; no decision was made."), PdpUnavailable),
        PdpDeadlineExceededException => new(
            new Status(StatusCode.DeadlineExceeded, "The call's deadline passed before the policy decision point answered; no decision was made."),
            "deadline_exceeded"),
        PdpProtocolException => new(
            new Status(StatusCode.Internal, "Policy decision point returned an answer that could not be used; no decision was made."),
            "pdp_error"),
        TenantMismatchException e => new(new Status(StatusCode.PermissionDenied, e.Message), "jwt_tenant_mismatch"),
        PdpRejectedInputException e => new(new Status(StatusCode.InvalidArgument, $"{e.Field}: {e.Message}"), "invalid_argument"),
        DirectoryException { Code: DirectoryErrorCode.InvalidArgument } e => new(
            new Status(StatusCode.InvalidArgument, e.Message), "invalid_argument"),
        DirectoryException { Code: DirectoryErrorCode.TenantNotFound } e => new(
            new Status(StatusCode.FailedPrecondition, e.Message), "tenant_unknown"),
        DirectoryException or TimeoutException => new(
            new Status(StatusCode.Unavailable, "Membership store unavailable."), "directory_unavailable"),
        OperationCanceledException => new(null, "cancelled"),
        _ => new(null, "error"),
    };
}
