namespace AuthzService.Core.Caching;

/// <summary>Decision-cache settings (configuration section <c>Cache</c>).</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";
    public const string DefaultKeyPrefix = "authz:cerbos:";
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);

    /// <summary>Namespace for every cache key and channel; isolates this cache from others sharing Redis.</summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>How long a decision may be served from cache.</summary>
    public TimeSpan Ttl { get; set; } = DefaultTtl;

    /// <summary>
    /// Identifies the deployed policies (for example the policy bundle's hash). A change
    /// makes a new cache generation, so no decision of the old policies is served.
    /// </summary>
    public string PolicyRevision { get; set; } = string.Empty;

    /// <summary>Upper bound on in-process entries (decisions and principals).</summary>
    public long L1SizeLimit { get; set; } = 100_000;

    /// <summary>How long a Redis operation may take before we go on without L2.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a cached principal lives while the notification channel is down
    /// (normally principals are evicted by notifications and live for <see cref="Ttl"/>).
    /// </summary>
    public TimeSpan DegradedPrincipalTtl { get; set; } = TimeSpan.FromSeconds(1);
}
