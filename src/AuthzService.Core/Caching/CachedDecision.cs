using AuthzService.Core.Decisions;

namespace AuthzService.Core.Caching;

/// <summary>
/// A cached PDP decision with everything it was computed for: the key, the full stamp and the
/// policy revision. A read checks all of them (see <see cref="DecisionCachePolicy.Answers"/>), so an
/// entry can only ever answer the exact request that produced it.
/// </summary>
public sealed record CachedDecision(
    string Key,
    string TenantId,
    long TenantVersion,
    string PrincipalId,
    long PrincipalVersion,
    long PolicyEpoch,
    string PolicyRevision,
    DateTimeOffset ExpiresAt,
    ResourceDecision Decision);
