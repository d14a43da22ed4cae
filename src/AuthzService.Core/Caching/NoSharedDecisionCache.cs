namespace AuthzService.Core.Caching;

/// <summary>No L2 configured (<c>ConnectionStrings:Redis</c> absent): in-process cache only.</summary>
public sealed class NoSharedDecisionCache : ISharedDecisionCache
{
    public bool IsEnabled => false;

    public Task<IReadOnlyList<CachedDecision?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Task.FromResult<IReadOnlyList<CachedDecision?>>(new CachedDecision?[keys.Count]);
    }

    public void Store(IReadOnlyList<CachedDecision> entries)
    {
    }
}
