namespace AuthzService.Core.Decisions;

/// <summary>The answer for one resource of a check.</summary>
/// <param name="Decision">The PDP decision, or null when AuthzService denied locally.</param>
public sealed record ResourceOutcome(
    RequestedResource Resource,
    IReadOnlyDictionary<string, Effect> Actions,
    DenyReason DenyReason,
    DecisionSource Source,
    ResourceDecision? Decision);
