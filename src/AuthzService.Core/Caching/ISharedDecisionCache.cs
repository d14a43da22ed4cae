namespace AuthzService.Core.Caching;

/// <summary>
/// The cache shared by replicas (L2, Redis). Best effort by contract: it never throws and never blocks
/// longer than its own short timeout; when it is down, reads miss and writes are dropped: losing Redis costs
/// speed, never correctness.
/// </summary>
public interface ISharedDecisionCache
{
    /// <summary>False when there is no L2 configured; callers then skip it entirely.</summary>
    bool IsEnabled { get; }

    /// <summary>One entry per key, null for a miss, an unreadable value, or an unavailable store.</summary>
    Task<IReadOnlyList<CachedDecision?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Stores entries without waiting for the store (fire and forget); each expires at its own <see cref="CachedDecision.ExpiresAt"/>.</summary>
    void Store(IReadOnlyList<CachedDecision> entries);
}
