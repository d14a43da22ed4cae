using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

public sealed record PlanQuery(
    string RequestId,
    RequestedPrincipal Principal,
    string Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    string PolicyVersion,
    IReadOnlyList<string> Actions,
    bool IncludeMeta,
    string? AuxJwt)
{
    /// <summary>The caller's deadline (UTC), forwarded to the PDP; null when the caller set none.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>
    /// <c>aux_data.key_set_id</c>: the Cerbos key set to verify <c>AuxJwt</c> with; null lets Cerbos choose.
    /// Part of the decision cache key (the same token under another key set is another question).
    /// </summary>
    public string? AuxKeySetId { get; init; }
}
