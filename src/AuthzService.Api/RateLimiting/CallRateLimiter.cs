using Microsoft.Extensions.Options;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Token buckets per caller identity and per tenant (at the limit of the tenant's tier). Nothing queues: a
/// call over its limit is refused at once with a retry hint, so a noisy tenant or caller only ever waits on
/// itself. Both tables are bounded by <see cref="RateLimitOptions.MaxTrackedTenants"/>: keys beyond it share
/// an overflow bucket, they never grow memory.
/// </summary>
internal sealed partial class CallRateLimiter
{
    private readonly RateLimitOptions _options;
    private readonly TokenBucketTable<string> _callers;
    private readonly TokenBucketTable<string> _tenants;

    public CallRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time, ILogger<CallRateLimiter> logger)
    {
        _options = options.Value;

        // Options are fixed for the limiter's life: decide once, not per call.
        LimitsCallers = _options.PerCaller.PermitsPerSecond > 0;
        LimitsTenants = _options.PerTenant.PermitsPerSecond > 0 || _options.Tiers.Values.Any(t => t.PermitsPerSecond > 0);
        _callers = new TokenBucketTable<string>(_options.MaxTrackedTenants, _options.PerCaller, time, StringComparer.Ordinal);
        _tenants = new TokenBucketTable<string>(_options.MaxTrackedTenants, _options.PerTenant, time, StringComparer.Ordinal);
        _callers.Overflowed += () => TableFull(logger, "caller", _options.MaxTrackedTenants);
        _tenants.Overflowed += () => TableFull(logger, "tenant", _options.MaxTrackedTenants);
    }

    /// <summary>Whether callers are limited at all.</summary>
    public bool LimitsCallers { get; }

    /// <summary>Whether tenants are limited at all (no tier is needed otherwise).</summary>
    public bool LimitsTenants { get; }

    /// <summary>Tenant buckets held now (tests, diagnostics).</summary>
    internal int TrackedTenants => _tenants.Count;

    /// <summary>Caller buckets held now (tests, diagnostics).</summary>
    internal int TrackedCallers => _callers.Count;

    /// <summary>A permit for the caller, or the time to wait before trying again.</summary>
    public TimeSpan? TryAcquireCaller(string caller) =>
        LimitsCallers ? _callers.TryAcquire(caller, _options.PerCaller) : null;

    /// <summary>
    /// A permit for a tenant under its tier's limit, or the time to wait before trying again. Only a valid
    /// tenant id may be passed: it becomes a key.
    /// </summary>
    public TimeSpan? TryAcquireTenant(string tenantId, string tier)
    {
        var limit = LimitForTier(tier);
        return limit.PermitsPerSecond > 0 ? _tenants.TryAcquire(tenantId, limit) : null;
    }

    internal RateLimit LimitForTier(string tier) =>
        tier.Length > 0 && _options.Tiers.TryGetValue(tier, out var limit) ? limit : _options.PerTenant;

    [LoggerMessage(4100, LogLevel.Warning, "The {Table} rate-limit table is full ({Capacity} entries in use); new keys share one overflow bucket until entries free up")]
    private static partial void TableFull(ILogger logger, string table, int capacity);
}
