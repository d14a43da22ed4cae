namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// Where and how often to watch Cerbos's policy store (configuration section <c>Cerbos:PolicyWatch</c>).
/// When Cerbos loads policies itself (git, or a Cerbos deployed elsewhere), <c>Cache:PolicyRevision</c> cannot
/// follow them; the watcher reads Cerbos's metrics and bumps the policy epoch when its policy store changes.
/// </summary>
public sealed class CerbosPolicyWatchOptions
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultUnconfirmedTtl = TimeSpan.FromSeconds(5);

    /// <summary>Cerbos's HTTP listener, e.g. <c>https://127.0.0.1:3592</c> (metrics at <c>/_cerbos/metrics</c>); null: no watch.</summary>
    public Uri? Address { get; set; }

    /// <summary>How often the metrics are read; a policy change is seen within one interval of Cerbos loading it.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// While the watch is not confirmed (before its first reading, or since a reading failed), decisions are
    /// cached at most this long and not read from L2 (never beyond <c>Cache:Ttl</c>).
    /// </summary>
    public TimeSpan UnconfirmedTtl { get; set; } = DefaultUnconfirmedTtl;
}
