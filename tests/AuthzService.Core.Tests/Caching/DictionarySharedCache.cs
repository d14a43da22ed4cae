using System.Collections.Concurrent;
using AuthzService.Core.Caching;

namespace AuthzService.Core.Tests.Caching;

/// <summary>An L2 stand-in: a dictionary, or "down" (every read misses, writes are dropped).</summary>
internal sealed class DictionarySharedCache : ISharedDecisionCache
{
    public ConcurrentDictionary<string, CachedDecision> Entries { get; } = new(StringComparer.Ordinal);

    public bool Down { get; set; }

    public bool IsEnabled => true;

    public Task<IReadOnlyList<CachedDecision?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CachedDecision?>>([.. keys.Select(k => !Down && Entries.TryGetValue(k, out var e) ? e : null)]);

    public void Store(IReadOnlyList<CachedDecision> entries)
    {
        if (!Down)
        {
            foreach (var entry in entries)
            {
                Entries[entry.Key] = entry;
            }
        }
    }
}
