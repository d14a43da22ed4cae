namespace AuthzService.Core.Decisions;

/// <summary>The PDP's complete answer for one resource: an effect for every requested action.</summary>
public sealed record ResourceDecision(
    string Kind,
    string Id,
    IReadOnlyDictionary<string, Effect> Actions,
    IReadOnlyDictionary<string, ActionMatch> Matches,
    IReadOnlyList<string> EffectiveDerivedRoles,
    IReadOnlyList<ValidationIssue> ValidationErrors)
{
    /// <summary>Cerbos, or the cache level that answered.</summary>
    public DecisionSource Source { get; init; } = DecisionSource.Cerbos;

    /// <summary>The PDP call that computed this decision (an earlier one when served from cache).</summary>
    public string CallId { get; init; } = string.Empty;

    /// <summary>True when every requested action has an answer, so the decision may be cached.</summary>
    public bool IsCompleteFor(IReadOnlyList<string> actions) => actions.All(Actions.ContainsKey);
}
