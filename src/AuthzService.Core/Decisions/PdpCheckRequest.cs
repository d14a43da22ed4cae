namespace AuthzService.Core.Decisions;

/// <summary>A batch check for one principal.</summary>
public sealed record PdpCheckRequest(
    string RequestId,
    PdpPrincipal Principal,
    IReadOnlyList<PdpResource> Resources,
    bool IncludeMeta,
    string? AuxJwt = null);
