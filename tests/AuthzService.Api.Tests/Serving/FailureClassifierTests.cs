using AuthzService.Api.Audit;
using AuthzService.Api.Serving;
using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Tenancy;
using Grpc.Core;

namespace AuthzService.Api.Tests.Serving;

/// <summary>
/// One classification for the caller's status and the audit's reason: each known failure gets both, they agree,
/// and nothing is ever classified OK.
/// </summary>
[TestClass]
public sealed class FailureClassifierTests
{
    public static IEnumerable<object?[]> Failures =>
    [
        [new PdpUnavailableException("down"), StatusCode.Unavailable, "pdp_unavailable"],
        [new PdpDeadlineExceededException("late"), StatusCode.DeadlineExceeded, "deadline_exceeded"],
        [new PdpProtocolException("garbled"), StatusCode.Internal, "pdp_error"],
        [new TenantMismatchException("aux_data.jwt: tenant claim names another tenant"), StatusCode.PermissionDenied, "jwt_tenant_mismatch"],
        [new PdpRejectedInputException("resources[0].kind", "unknown kind"), StatusCode.InvalidArgument, "invalid_argument"],
        [new DirectoryException(DirectoryErrorCode.InvalidArgument, "page_token: not a token of this listing"), StatusCode.InvalidArgument, "invalid_argument"],
        [new DirectoryException(DirectoryErrorCode.TenantNotFound, "tenant_id: no such tenant"), StatusCode.FailedPrecondition, "tenant_unknown"],
        [new DirectoryException(DirectoryErrorCode.Unavailable, "store down"), StatusCode.Unavailable, "directory_unavailable"],
        [new TimeoutException(), StatusCode.Unavailable, "directory_unavailable"],
    ];

    [TestMethod]
    [DynamicData(nameof(Failures))]
    public void Classify_KnownFailure_StatusAndAuditReasonAgree(Exception failure, StatusCode expected, string reason)
    {
        var classified = FailureClassifier.Classify(failure);

        Assert.AreEqual(expected, classified.Status?.StatusCode);
        Assert.AreNotEqual(StatusCode.OK, classified.Status?.StatusCode);
        Assert.AreEqual(reason, classified.AuditReason);
        Assert.AreEqual(reason, DecisionAuditor.FailureReason(failure), "the audit reads the same classification");
    }

    [TestMethod]
    public void Classify_DirectoryArgumentError_IsNotReportedAsAnOutage()
    {
        // The audit used to name every directory failure directory_unavailable, a caller's bad page token included.
        var classified = FailureClassifier.Classify(new DirectoryException(DirectoryErrorCode.InvalidArgument, "page_token: bad"));

        Assert.AreNotEqual("directory_unavailable", classified.AuditReason);
        Assert.AreEqual("page_token: bad", classified.Status?.Detail);
    }

    [TestMethod]
    public void Classify_UnknownOrCancelled_NoStatusChosenButAReasonForTheAudit()
    {
        Assert.IsNull(FailureClassifier.Classify(new InvalidOperationException("bug")).Status);
        Assert.AreEqual("error", FailureClassifier.Classify(new InvalidOperationException("bug")).AuditReason);
        Assert.IsNull(FailureClassifier.Classify(new OperationCanceledException()).Status);
        Assert.AreEqual("cancelled", FailureClassifier.Classify(new OperationCanceledException()).AuditReason);
    }
}
