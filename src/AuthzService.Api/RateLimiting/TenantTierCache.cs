using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Tenant to tier for the tenant rate limit, learned from the principals the decision path builds anyway
/// (their <c>tenant_tier</c> attribute, see <see cref="TenantRateLimitInterceptor"/> (from the principals decision calls built)): the limiter itself never
/// reads the directory, so no tenant id, known or not, turns into a database read. Only tenants that exist
/// enter, and the cache is bounded in count (<see cref="RateLimitOptions.MaxTrackedTenants"/>) and in time
/// (<see cref="RateLimitOptions.TierCacheTtl"/>). A tenant not known here gets the default tenant limit.
/// </summary>
internal sealed class TenantTierCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _addGate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly int _capacity;
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public TenantTierCache(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        _time = time;
        _ttl = options.Value.TierCacheTtl;
        _capacity = options.Value.MaxTrackedTenants;
    }

    /// <summary>Entries held now (tests, diagnostics).</summary>
    internal int Count => _entries.Count;

    /// <summary>The tenant's tier; "" when it has none or is not known (then the default tenant limit applies).</summary>
    public string TierOf(string tenantId) =>
        _entries.TryGetValue(tenantId, out var entry) && entry.Expires > _time.GetUtcNow() ? entry.Tier : string.Empty;

    /// <summary>Remembers the tier of a tenant the directory has just shown to exist.</summary>
    public void Learn(string tenantId, string tier)
    {
        var now = _time.GetUtcNow();
        // Every decision passes here: write only when something changes or the entry is half way to expiry.
        if (_entries.TryGetValue(tenantId, out var known) && known.Tier == tier && known.Expires - now > _ttl / 2)
        {
            return;
        }

        var entry = new Entry(tier, now + _ttl);
        if (known is not null)
        {
            _entries[tenantId] = entry;
            return;
        }

        lock (_addGate)
        {
            if (_entries.Count >= _capacity && now >= _nextSweep)
            {
                // Walks the whole cache, so at most once a second; until room frees up, new tenants get the default limit.
                _nextSweep = now + TimeSpan.FromSeconds(1);
                foreach (var (id, old) in _entries)
                {
                    if (old.Expires <= now)
                    {
                        _entries.TryRemove(new KeyValuePair<string, Entry>(id, old));
                    }
                }
            }

            if (_entries.Count < _capacity)
            {
                _entries[tenantId] = entry;
            }
        }
    }

    /// <summary>Drops a tenant the directory has just shown not to exist (or to be suspended).</summary>
    public void Forget(string tenantId) => _entries.TryRemove(tenantId, out _);

    private sealed record Entry(string Tier, DateTimeOffset Expires);
}
