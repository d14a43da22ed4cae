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

    /// <summary>How long a tenant's tier is remembered before it is read again from the directory.</summary>
    public TimeSpan TierCacheTtl { get; set; } = TimeSpan.FromSeconds(30);
}
