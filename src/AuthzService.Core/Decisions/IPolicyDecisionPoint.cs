namespace AuthzService.Core.Decisions;

/// <summary>
/// The port to the policy decision point (Cerbos). Implementations fail closed: any
/// transport failure throws <see cref="PdpUnavailableException"/>; an answer that does not
/// match the request is returned as denies with <see cref="PdpCheckResult.ProtocolError"/> set.
/// </summary>
public interface IPolicyDecisionPoint
{
    Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken);

    Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken);
}
