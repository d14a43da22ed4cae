using AuthzService.Core.Decisions;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>Forwards to the real PDP, but holds the answer until <see cref="Release"/>: a check "in flight" across a change.</summary>
internal sealed class HeldDecisionPoint(IPolicyDecisionPoint inner) : IPolicyDecisionPoint
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        var answer = await inner.CheckAsync(request, cancellationToken);
        Arrived.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return answer;
    }

    public Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken) => inner.PlanAsync(request, cancellationToken);
}
