namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Call rate limits (section <c>RateLimits</c>): token buckets per caller identity and per tenant, with
/// per-tier overrides of the tenant limit. A limit of 0 switches that limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public RateLimit PerCaller { get; set; } = new() { PermitsPerSecond = 1000 };

    public RateLimit PerTenant { get; set; } = new() { PermitsPerSecond = 200 };

    /// <summary>Tenant tier (the tenant's <c>tier</c> field) to its own tenant limit.</summary>
    public IDictionary<string, RateLimit> Tiers { get; } = new Dictionary<string, RateLimit>(StringComparer.Ordinal);

    /// <summary>
    /// How long a tenant's tier is remembered after the last principal of that tenant was built or served
    /// (tiers are learned from principals, never read for the limiter).
    /// </summary>
    public TimeSpan TierCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At most this many tenants (and, separately, callers) have a bucket of their own, and at most this many
    /// tenant tiers are remembered; beyond it new keys share one overflow bucket until idle ones are dropped.
    /// </summary>
    public int MaxTrackedTenants { get; set; } = DefaultMaxTrackedTenants;

    public const int DefaultMaxTrackedTenants = 50_000;
}
