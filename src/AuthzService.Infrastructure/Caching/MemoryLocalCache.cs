using AuthzService.Core.Caching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Caching;

/// <summary>L1: one <see cref="MemoryCache"/> for decisions and principals, every entry of size 1, bounded by <c>Cache:L1SizeLimit</c>.</summary>
public sealed class MemoryLocalCache : ILocalCache, IDisposable
{
    private readonly MemoryCache _cache;

    public MemoryLocalCache(IOptions<CacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.Value.L1SizeLimit,

            // When full, drop a tenth (least recently used first) rather than refusing every new entry.
            CompactionPercentage = 0.1,
        });
    }

    public int Count => _cache.Count;

    public bool TryGet<T>(object key, out T? value)
        where T : class
    {
        if (_cache.TryGetValue(key, out var found) && found is T typed)
        {
            value = typed;
            return true;
        }

        value = null;
        return false;
    }

    public void Store(object key, object value, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        using var entry = _cache.CreateEntry(key);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = ttl;
        entry.Value = value;
    }

    public void Remove(object key) => _cache.Remove(key);

    public void Clear() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
