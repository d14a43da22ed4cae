using AuthzService.Core.Decisions;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// The "decision cache" span around the outermost decision point: the cache lookup, and the Cerbos
/// call (its own span, from the Cerbos adapter) on a miss.
/// </summary>
internal sealed class TracingDecisionPoint(IPolicyDecisionPoint inner) : IPolicyDecisionPoint
{
    public async Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = AuthzActivitySource.Instance.StartActivity("authz.decision_cache");
        activity?.SetTag("authz.resources", request.Resources.Count);
        var result = await inner.CheckAsync(request, cancellationToken);
        if (activity is not null && result.Results.Count > 0)
        {
            activity.SetTag("authz.source", string.Join(',', result.Results.Select(r => r.Source).Distinct()));
        }

        return result;
    }

    public async Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken)
    {
        using var activity = AuthzActivitySource.Instance.StartActivity("authz.plan");
        return await inner.PlanAsync(request, cancellationToken);
    }
}
