using System.Security.Cryptography;
using AuthzService.Core.Decisions;

namespace AuthzService.Core.Caching;

/// <summary>The rules of what may be cached and what a cached entry may answer. Pure.</summary>
public static class DecisionCachePolicy
{
    /// <summary>Share of the TTL that jitter may take off, so entries written together do not expire together.</summary>
    public const double JitterFraction = 0.1;

    /// <summary>
    /// Only a complete, successful PDP answer is cached: never one from a result flagged as a protocol
    /// error (its denies are ours, not the PDP's), never one missing an action (partial), and never one
    /// with schema validation errors (the deny may be caused by the error, and a caller that fixes its
    /// input should not have to wait for a TTL). Exceptions and timeouts never reach this point.
    /// </summary>
    public static bool IsCacheable(PdpCheckResult answer, PdpResource asked, ResourceDecision decision)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(decision);
        return !answer.ProtocolError
            && decision.Source == DecisionSource.Cerbos
            && string.Equals(decision.Kind, asked.Kind, StringComparison.Ordinal)
            && string.Equals(decision.Id, asked.Id, StringComparison.Ordinal)
            && decision.ValidationErrors.Count == 0
            && decision.IsCompleteFor(asked.Actions);
    }

    /// <summary>
    /// True when <paramref name="entry"/> may answer this request: stored under this key, for this tenant,
    /// principal, versions, epoch and revision, for this resource, complete, and not expired. Anything else
    /// is a miss: no entry of one tenant or principal answers for another, even if a key were forged.
    /// </summary>
    public static bool Answers(
        CachedDecision entry, string key, string policyRevision, DecisionStamp stamp, PdpResource resource, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(stamp);
        ArgumentNullException.ThrowIfNull(resource);
        return string.Equals(entry.Key, key, StringComparison.Ordinal)
            && string.Equals(entry.TenantId, stamp.TenantId, StringComparison.Ordinal)
            && string.Equals(entry.PrincipalId, stamp.PrincipalId, StringComparison.Ordinal)
            && entry.TenantVersion == stamp.TenantVersion
            && entry.PrincipalVersion == stamp.PrincipalVersion
            && entry.PolicyEpoch == stamp.PolicyEpoch
            && string.Equals(entry.PolicyRevision, policyRevision, StringComparison.Ordinal)
            && entry.Decision is { } decision
            && string.Equals(decision.Kind, resource.Kind, StringComparison.Ordinal)
            && string.Equals(decision.Id, resource.Id, StringComparison.Ordinal)
            && decision.Actions is not null
            && decision.IsCompleteFor(resource.Actions)
            && entry.ExpiresAt > now;
    }

    /// <summary>The TTL minus up to <see cref="JitterFraction"/> of it: never longer than configured.</summary>
    public static TimeSpan Jittered(TimeSpan ttl)
    {
        var fraction = RandomNumberGenerator.GetInt32(0, 1001) / 1000.0 * JitterFraction;
        return TimeSpan.FromTicks((long)(ttl.Ticks * (1 - fraction)));
    }
}
