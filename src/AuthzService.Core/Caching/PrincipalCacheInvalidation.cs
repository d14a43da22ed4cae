using AuthzService.Core.Invalidation;
using Microsoft.Extensions.Logging;

namespace AuthzService.Core.Caching;

/// <summary>
/// Turns change notifications into cache generations for cached principals. A cached principal records
/// the generations current <em>before</em> it was read from the directory; it is served only while they
/// are unchanged. A notification bumps the generation of its tenant or principal stripe, so every entry it
/// touches is stale at once (no enumeration, no key scan), and so is a principal read that was still in
/// flight when the change committed (it would otherwise re-insert the old state after the eviction).
/// </summary>
/// <remarks>
/// Generations are striped by hash: a change may also drop unrelated entries sharing the stripe (a
/// cheap re-read), never keep a touched one. Policy epoch changes also clear the whole in-process cache
/// (its decisions are keyed by the old epoch and will never be read again).
/// </remarks>
public sealed class PrincipalCacheInvalidation(ILocalCache cache, CacheMetrics metrics, ILogger<PrincipalCacheInvalidation> logger) : IInvalidationSink
{
    private const int TenantStripes = 1024;
    private const int PrincipalStripes = 8192;

    private readonly long[] _tenants = new long[TenantStripes];
    private readonly long[] _principals = new long[PrincipalStripes];
    private long _global;
    private long _latestPolicyEpoch;

    /// <summary>The newest policy epoch this replica has been told of (0 before any change).</summary>
    public long LatestPolicyEpoch => Volatile.Read(ref _latestPolicyEpoch);

    /// <summary>The generations an entry for this tenant and principal must carry to be served.</summary>
    public PrincipalGenerations Current(string tenantId, string principalId) => new(
        Volatile.Read(ref _global),
        Volatile.Read(ref _tenants[TenantStripe(tenantId)]),
        Volatile.Read(ref _principals[PrincipalStripe(tenantId, principalId)]));

    public void OnPrincipalChanged(string tenantId, string principalId, long version)
    {
        Interlocked.Increment(ref _principals[PrincipalStripe(tenantId, principalId)]);
        metrics.Invalidation("principal");
        CoreLog.PrincipalInvalidated(logger, "principal", tenantId, principalId, version);
    }

    public void OnTenantChanged(string tenantId, long version)
    {
        Interlocked.Increment(ref _tenants[TenantStripe(tenantId)]);
        metrics.Invalidation("tenant");
        CoreLog.PrincipalInvalidated(logger, "tenant", tenantId, string.Empty, version);
    }

    public void OnPolicyEpochChanged(long epoch)
    {
        // Before the cache is cleared, so a fill that completes after the clear already sees the newer epoch.
        long seen;
        while (epoch > (seen = Volatile.Read(ref _latestPolicyEpoch))
            && Interlocked.CompareExchange(ref _latestPolicyEpoch, epoch, seen) != seen)
        {
        }

        Interlocked.Increment(ref _global);
        cache.Clear();
        metrics.Invalidation("policy");
        CoreLog.PrincipalCacheReset(logger, "policy epoch " + epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void OnResync()
    {
        Interlocked.Increment(ref _global);
        metrics.Invalidation("resync");
        CoreLog.PrincipalCacheReset(logger, "notifications may have been missed");
    }

    private static int TenantStripe(string tenantId) =>
        (int)((uint)StringComparer.Ordinal.GetHashCode(tenantId) % TenantStripes);

    private static int PrincipalStripe(string tenantId, string principalId) =>
        (int)((uint)HashCode.Combine(StringComparer.Ordinal.GetHashCode(tenantId), StringComparer.Ordinal.GetHashCode(principalId)) % PrincipalStripes);
}
