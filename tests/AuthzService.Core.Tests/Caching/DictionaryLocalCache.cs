using System.Collections.Concurrent;
using AuthzService.Core.Caching;

namespace AuthzService.Core.Tests.Caching;

/// <summary>An unbounded L1 for pure tests: keeps what is stored (TTL ignored; expiry is checked by the cache rules).</summary>
internal sealed class DictionaryLocalCache : ILocalCache
{
    public ConcurrentDictionary<object, object> Entries { get; } = new();

    /// <summary>The TTL each entry was last stored with (not enforced here).</summary>
    public ConcurrentDictionary<object, TimeSpan> Ttls { get; } = new();

    public int Clears { get; private set; }

    public bool TryGet<T>(object key, out T? value)
        where T : class
    {
        value = Entries.TryGetValue(key, out var found) ? found as T : null;
        return value is not null;
    }

    public void Store(object key, object value, TimeSpan ttl)
    {
        Entries[key] = value;
        Ttls[key] = ttl;
    }

    public void Remove(object key) => Entries.TryRemove(key, out _);

    public void Clear()
    {
        Clears++;
        Entries.Clear();
    }
}
