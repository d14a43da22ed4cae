namespace AuthzService.Core.Decisions;

/// <summary>
/// The port to the policy decision point (Cerbos). Implementations fail closed: any
/// transport failure throws <see cref="PdpUnavailableException"/>; an answer that does not
/// match the request is returned as denies with <see cref="PdpCheckResult.ProtocolError"/> set.
/// <see cref="CheckAsync"/> returns exactly one result per requested resource, in request order: the adapter
/// is the one place a foreign answer is matched to the request (count, ids, actions). Decorators pass results
/// through in order without checking again; <see cref="DecisionService"/>, the port's one outside caller, refuses
/// an answer that breaks the contract (a bug, never guessed around).
/// </summary>
public interface IPolicyDecisionPoint
{
    Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken);

    Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken);
}
