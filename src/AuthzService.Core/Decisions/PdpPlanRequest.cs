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
}
