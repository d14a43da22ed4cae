using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Token buckets partitioned by caller identity and by (tenant, tier). Nothing queues: a call over its
/// limit is refused at once with a retry hint, so a noisy tenant or caller only ever waits on itself
/// and never holds up anyone else's partition.
/// </summary>
internal sealed class CallRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _callers;
    private readonly PartitionedRateLimiter<(string Tenant, string Tier)> _tenants;

    public CallRateLimiter(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;

        // Options are fixed for the limiter's life (the partitions are built from them): decide once, not per call.
        LimitsTenants = _options.PerTenant.PermitsPerSecond > 0 || _options.Tiers.Values.Any(t => t.PermitsPerSecond > 0);
        _callers = PartitionedRateLimiter.Create<string, string>(
            caller => Partition(caller, _options.PerCaller), StringComparer.Ordinal);
        _tenants = PartitionedRateLimiter.Create<(string Tenant, string Tier), (string, string)>(
            key => Partition((key.Tenant, key.Tier), LimitForTier(key.Tier)));
    }

    /// <summary>Whether tenants are limited at all (no tier lookup is needed otherwise).</summary>
    public bool LimitsTenants { get; }

    /// <summary>A permit for the caller, or the time to wait before trying again.</summary>
    public TimeSpan? TryAcquireCaller(string caller) => TryAcquire(_callers, caller);

    /// <summary>A permit for the tenant under its tier's limit, or the time to wait before trying again.</summary>
    public TimeSpan? TryAcquireTenant(string tenantId, string tier) => TryAcquire(_tenants, (tenantId, tier));

    public void Dispose()
    {
        _callers.Dispose();
        _tenants.Dispose();
    }

    internal RateLimit LimitForTier(string tier) =>
        tier.Length > 0 && _options.Tiers.TryGetValue(tier, out var limit) ? limit : _options.PerTenant;

    private static TimeSpan? TryAcquire<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero
            ? retryAfter
            : TimeSpan.FromSeconds(1);
    }

    private static RateLimitPartition<TKey> Partition<TKey>(TKey key, RateLimit limit)
    {
        if (limit.PermitsPerSecond <= 0)
        {
            return RateLimitPartition.GetNoLimiter(key);
        }

        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst > 0 ? limit.Burst : limit.PermitsPerSecond,
            TokensPerPeriod = limit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            // The partitioned limiter's own timer replenishes (every 100 ms, in proportion to the time elapsed).
            AutoReplenishment = false,
            QueueLimit = 0,
        });
    }
}
