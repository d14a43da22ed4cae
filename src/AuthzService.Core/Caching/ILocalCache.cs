namespace AuthzService.Core.Caching;

/// <summary>
/// The in-process cache (L1) shared by decisions and principals, bounded in entries. A port so that Core
/// does not depend on a cache implementation; Infrastructure backs it with <c>MemoryCache</c>.
/// </summary>
public interface ILocalCache
{
    bool TryGet<T>(object key, out T? value)
        where T : class;

    /// <summary>Stores one entry (size 1) for at most <paramref name="ttl"/>; a full cache may refuse it.</summary>
    void Store(object key, object value, TimeSpan ttl);

    void Remove(object key);

    /// <summary>Drops every entry (decisions and principals).</summary>
    void Clear();
}
