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
}
