namespace AuthzService.Core.Decisions;

/// <summary>The principal exactly as sent to the policy decision point.</summary>
public sealed record PdpPrincipal(
    string Id,
    IReadOnlyList<string> Roles,
    IReadOnlyDictionary<string, object?> Attributes,
    string Scope,
    string PolicyVersion = "");
