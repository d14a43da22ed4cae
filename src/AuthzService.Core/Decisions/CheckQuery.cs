using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

/// <summary>A validated CheckResources request in domain terms.</summary>
public sealed record CheckQuery(
    string RequestId,
    RequestedPrincipal Principal,
    IReadOnlyList<RequestedResource> Resources,
    bool IncludeMeta,
    string? AuxJwt,
    Freshness Freshness)
{
    /// <summary>The caller's deadline (UTC), forwarded to the PDP; null when the caller set none.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>
    /// <c>aux_data.key_set_id</c>: the Cerbos key set to verify <c>AuxJwt</c> with; null lets Cerbos choose.
    /// Part of the decision cache key (the same token under another key set is another question).
    /// </summary>
    public string? AuxKeySetId { get; init; }
}
