namespace AuthzService.Core.Decisions;

/// <summary>A batch check for one principal.</summary>
public sealed record PdpCheckRequest(
    string RequestId,
    PdpPrincipal Principal,
    IReadOnlyList<PdpResource> Resources,
    bool IncludeMeta,
    string? AuxJwt = null)
{
    /// <summary>Version stamps of the principal, for caching decorators; null means "do not cache".</summary>
    public DecisionStamp? Stamp { get; init; }

    /// <summary>
    /// The caller's absolute deadline (UTC), forwarded to the PDP call. Null: the adapter's default timeout.
    /// The cancellation token passed with the request applies as well.
    /// </summary>
    public DateTime? Deadline { get; init; }

    /// <summary>
    /// <c>aux_data.key_set_id</c>: the Cerbos key set to verify <c>AuxJwt</c> with; null lets Cerbos choose.
    /// Part of the decision cache key (the same token under another key set is another question).
    /// </summary>
    public string? AuxKeySetId { get; init; }
}
