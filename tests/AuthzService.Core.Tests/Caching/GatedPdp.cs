using AuthzService.Core.Decisions;

namespace AuthzService.Core.Tests.Caching;

/// <summary>
/// A PDP whose answers wait for <see cref="Release"/>: lets tests hold a check "in flight" while other
/// checks or a revocation happen. Answers with <see cref="Answer"/> (default: allow "read", deny the rest).
/// </summary>
internal sealed class GatedPdp : IPolicyDecisionPoint
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public GatedPdp(bool open = false)
    {
        if (open)
        {
            _gate.SetResult();
        }
    }

    public int Calls => Volatile.Read(ref _calls);

    public List<PdpCheckRequest> Requests { get; } = [];

    public Func<PdpCheckRequest, PdpCheckResult> Answer { get; set; } = AllowRead;

    public Exception? Throw { get; set; }

    /// <summary>Completes when the PDP has been called at least once.</summary>
    public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static PdpCheckResult AllowRead(PdpCheckRequest request) => new(
        [.. request.Resources.Select(r => new ResourceDecision(
            r.Kind, r.Id, r.Actions.Distinct().ToDictionary(a => a, a => a == "read" ? Effect.Allow : Effect.Deny),
            new Dictionary<string, ActionMatch>(), [], []) { CallId = "call" })],
        "call");

    public void Release() => _gate.TrySetResult();

    public async Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        lock (Requests)
        {
            Requests.Add(request);
        }

        Called.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return Throw is not null ? throw Throw : Answer(request);
    }

    public Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
