using AuthzService.Api.Serving;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using Grpc.Core;
using CoreDenyReason = AuthzService.Core.Decisions.DenyReason;
using CoreEffect = AuthzService.Core.Decisions.Effect;
using DecisionSource = AuthzService.Core.Decisions.DecisionSource;

namespace AuthzService.Api.Audit;

/// <summary>
/// One audit event per decision (per resource and action), and the decision metrics, for the
/// authorization handlers. The JWT in aux_data is never read here; principal_context is redacted.
/// </summary>
internal sealed class DecisionAuditor(AuditTrail trail)
{
    public const string ReasonDeniedByPolicy = "denied_by_policy";
    public const string ReasonPdpUnavailable = FailureClassifier.PdpUnavailable;

    public void Checked(ServerCallContext context, CheckResourcesRequest request, CheckOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        // The metrics count every decision; the event strings (caller, redacted context, timestamp) are
        // only built when the audit category is enabled.
        var writing = trail.Logger.IsEnabled(LogLevel.Information);
        string? caller = null;
        string? principalContext = null;
        foreach (var result in outcome.Results)
        {
            var source = SourceName(result.Source);
            foreach (var (action, effect) in result.Actions)
            {
                var allowed = effect == CoreEffect.Allow;
                trail.Metrics.Decision(allowed ? "ALLOW" : "DENY", source);
                if (!writing || (allowed && !trail.ShouldWriteAllow()))
                {
                    continue;
                }

                caller ??= AuditTrail.CallerOf(context);

                var reason = allowed ? string.Empty : result.DenyReason == CoreDenyReason.None ? ReasonDeniedByPolicy : ReasonName(result.DenyReason);
                var policy = result.Decision?.Matches.TryGetValue(action, out var match) == true ? match.MatchedPolicy : string.Empty;
                principalContext ??= trail.Redactor.ToJson(request.PrincipalContext);
                AuditLog.Decision(
                    trail.Logger, allowed ? "ALLOW" : "DENY", action, result.Resource.Kind, result.Resource.Id, request.PrincipalId,
                    request.TenantId, request.TeamId, caller, request.RequestId, AuditTrail.MethodOf(context), source,
                    result.Decision?.CallId ?? string.Empty, policy, reason, principalContext, AuditTrail.Now());
            }
        }
    }

    /// <summary>The call failed: nothing was allowed. Each requested action is recorded as a DENY with the reason.</summary>
    public void CheckFailed(ServerCallContext context, CheckResourcesRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var reason = FailureReason(exception);
        var caller = AuditTrail.CallerOf(context);
        var principalContext = trail.Redactor.ToJson(request.PrincipalContext);
        foreach (var entry in request.Resources)
        {
            foreach (var action in entry.Actions.Distinct(StringComparer.Ordinal))
            {
                trail.Metrics.Decision("DENY", "none");
                AuditLog.Decision(
                    trail.Logger, "DENY", action, entry.Resource?.Kind ?? string.Empty, entry.Resource?.Id ?? string.Empty,
                    request.PrincipalId, request.TenantId, request.TeamId, caller, request.RequestId, AuditTrail.MethodOf(context), "none",
                    string.Empty, string.Empty, reason, principalContext, AuditTrail.Now());
            }
        }
    }

    public void Planned(ServerCallContext context, PlanResourcesRequest request, PlanOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var denied = outcome.Kind == PlanKind.AlwaysDenied;
        trail.Metrics.Decision(denied ? "DENY" : outcome.Kind == PlanKind.AlwaysAllowed ? "ALLOW" : "CONDITIONAL", "plan");
        if (!denied && !trail.ShouldWriteAllow())
        {
            return;
        }

        var reason = outcome.DenyReason == CoreDenyReason.None ? (denied ? ReasonDeniedByPolicy : string.Empty) : ReasonName(outcome.DenyReason);
        WritePlan(context, request, outcome.Kind.ToString(), reason);
    }

    public void PlanFailed(ServerCallContext context, PlanResourcesRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        trail.Metrics.Decision("DENY", "none");
        WritePlan(context, request, PlanKind.AlwaysDenied.ToString(), FailureReason(exception));
    }

    private void WritePlan(ServerCallContext context, PlanResourcesRequest request, string kind, string reason) =>
        AuditLog.Plan(
            trail.Logger, kind, request.Resource?.Kind ?? string.Empty, string.Join(',', request.Actions), request.PrincipalId,
            request.TenantId, request.TeamId, AuditTrail.CallerOf(context), request.RequestId, AuditTrail.MethodOf(context), reason,
            trail.Redactor.ToJson(request.PrincipalContext), AuditTrail.Now());

    internal static string SourceName(DecisionSource source) => source switch
    {
        DecisionSource.Cerbos => "Cerbos",
        DecisionSource.CacheL1 => "L1",
        DecisionSource.CacheL2 => "L2",
        DecisionSource.Local => "Local",
        _ => source.ToString(),
    };

    internal static string ReasonName(CoreDenyReason reason) => reason switch
    {
        CoreDenyReason.CrossTenant => "cross_tenant",
        CoreDenyReason.TenantSuspended => "tenant_suspended",
        CoreDenyReason.TenantUnknown => "tenant_unknown",
        _ => reason.ToString().ToLowerInvariant(),
    };

    internal static string FailureReason(Exception exception) => FailureClassifier.Classify(exception).AuditReason;
}
