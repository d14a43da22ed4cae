namespace AuthzService.Core.Decisions;

/// <summary>One resource and the actions to decide on it, as sent to the policy decision point.</summary>
public sealed record PdpResource(
    string Kind,
    string Id,
    IReadOnlyDictionary<string, object?> Attributes,
    string PolicyVersion,
    string Scope,
    IReadOnlyList<string> Actions);
