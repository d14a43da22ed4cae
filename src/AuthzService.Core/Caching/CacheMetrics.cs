using System.Diagnostics.Metrics;

namespace AuthzService.Core.Caching;

/// <summary>
/// Counters of the decision and principal caches (Meter <c>AuthzService.Cache</c>). Tags: <c>level</c>
/// (l1, l2), <c>entry</c> (decision, principal), <c>kind</c> (principal, tenant, policy, resync, explicit).
/// </summary>
public sealed class CacheMetrics : IDisposable
{
    public const string MeterName = "AuthzService.Cache";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _invalidations;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _pdpCalls;
    private readonly Counter<long> _l2Errors;

    public CacheMetrics()
    {
        _hits = _meter.CreateCounter<long>("authz.cache.hits", "{entry}", "Cache reads answered, by level and entry type");
        _misses = _meter.CreateCounter<long>("authz.cache.misses", "{entry}", "Cache reads not answered, by level and entry type");
        _evictions = _meter.CreateCounter<long>("authz.cache.evictions", "{entry}", "Entries dropped because a notification or version showed them stale");
        _invalidations = _meter.CreateCounter<long>("authz.cache.invalidations", "{notification}", "Invalidation notifications received, by kind");
        _rejected = _meter.CreateCounter<long>("authz.cache.rejected", "{entry}", "Entries read but refused (stamp mismatch, corrupt, expired), by level");
        _pdpCalls = _meter.CreateCounter<long>("authz.cache.pdp_calls", "{call}", "PDP calls made by the caching decorator for misses");
        _l2Errors = _meter.CreateCounter<long>("authz.cache.l2_errors", "{error}", "L2 operations that failed or timed out");
    }

    /// <summary>The meter of this instance (one per service instance; tests listen to it).</summary>
    public Meter Meter => _meter;

    public void Hit(string level, string entry, long count = 1) => Add(_hits, count, level, entry);

    public void Miss(string level, string entry, long count = 1) => Add(_misses, count, level, entry);

    public void Evicted(string entry, string kind, long count = 1) =>
        _evictions.Add(count, new KeyValuePair<string, object?>("entry", entry), new KeyValuePair<string, object?>("kind", kind));

    public void Invalidation(string kind) => _invalidations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Rejected(string level, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("level", level), new KeyValuePair<string, object?>("reason", reason));

    public void PdpCall() => _pdpCalls.Add(1);

    public void L2Error(string operation) => _l2Errors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Dispose() => _meter.Dispose();

    private static void Add(Counter<long> counter, long count, string level, string entry)
    {
        if (count > 0)
        {
            counter.Add(count, new KeyValuePair<string, object?>("level", level), new KeyValuePair<string, object?>("entry", entry));
        }
    }
}
