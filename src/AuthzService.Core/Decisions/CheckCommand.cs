using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

/// <summary>A validated CheckResources request in domain terms.</summary>
public sealed record CheckCommand(
    string RequestId,
    PrincipalRequest Principal,
    IReadOnlyList<ResourceCheck> Resources,
    bool IncludeMeta,
    string? AuxJwt,
    Freshness Freshness);
