using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

public sealed record PlanCommand(
    string RequestId,
    PrincipalRequest Principal,
    string Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    string PolicyVersion,
    IReadOnlyList<string> Actions,
    bool IncludeMeta,
    string? AuxJwt)
{
    /// <summary>The caller's deadline (UTC), forwarded to the PDP; null when the caller set none.</summary>
    public DateTime? Deadline { get; init; }
}
