using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

/// <summary>A validated CheckResources request in domain terms.</summary>
public sealed record CheckCommand(
    string RequestId,
    PrincipalRequest Principal,
    IReadOnlyList<ResourceCheck> Resources,
    bool IncludeMeta,
    string? AuxJwt,
    Freshness Freshness)
{
    /// <summary>The caller's deadline (UTC), forwarded to the PDP; null when the caller set none.</summary>
    public DateTime? Deadline { get; init; }
}
