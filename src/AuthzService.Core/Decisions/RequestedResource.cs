namespace AuthzService.Core.Decisions;

/// <summary>One resource of a check, with the actions asked about.</summary>
public sealed record RequestedResource(
    string Kind,
    string Id,
    IReadOnlyDictionary<string, object?> Attributes,
    string PolicyVersion,
    IReadOnlyList<string> Actions);
