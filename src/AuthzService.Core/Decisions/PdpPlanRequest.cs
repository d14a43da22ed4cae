namespace AuthzService.Core.Decisions;

/// <summary>A query-plan request: which resources of one kind may the principal act on.</summary>
public sealed record PdpPlanRequest(
    string RequestId,
    PdpPrincipal Principal,
    string Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    string PolicyVersion,
    string Scope,
    IReadOnlyList<string> Actions,
    bool IncludeMeta,
    string? AuxJwt = null)
{
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
