using AuthzService.Core.Decisions;

namespace AuthzService.Core.Tests.Decisions;

/// <summary>A scripted PDP for pure unit tests: records requests and answers with a function.</summary>
internal sealed class FakePdp(Func<PdpCheckRequest, PdpCheckResult>? check = null) : IPolicyDecisionPoint
{
    public List<PdpCheckRequest> Checks { get; } = [];

    public List<PdpPlanRequest> Plans { get; } = [];

    public Exception? Throw { get; set; }

    /// <summary>Allows every action whose name starts with "allow".</summary>
    public static PdpCheckResult AllowPrefixed(PdpCheckRequest request) => new(
        [.. request.Resources.Select(r => new ResourceDecision(
            r.Kind, r.Id,
            r.Actions.ToDictionary(a => a, a => a.StartsWith("allow", StringComparison.Ordinal) ? Effect.Allow : Effect.Deny),
            new Dictionary<string, ActionMatch>(), [], []))],
        "call-1");

    public Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        Checks.Add(request);
        if (Throw is not null)
        {
            throw Throw;
        }

        return Task.FromResult((check ?? AllowPrefixed)(request));
    }

    public Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken)
    {
        Plans.Add(request);
        return Task.FromResult(new PdpPlanResult(PlanKind.AlwaysAllowed, null, "(true)", [], "call-2"));
    }
}
