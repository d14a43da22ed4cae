using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthzService.Core.Caching;
using AuthzService.IntegrationTests.Service;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>Counts a replica's <c>authz.cache.rejected</c> measurements with <c>level=l2</c>, by reason, from now on.</summary>
internal sealed class L2RejectionCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

    public L2RejectionCounter(AuthzServiceInstance replica)
    {
        var meter = replica.GetRequiredService<CacheMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter && instrument.Name == "authz.cache.rejected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? level = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "level")
                {
                    level = tag.Value as string;
                }
                else if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            if (level == CacheLevels.L2 && reason is not null)
            {
                _byReason.AddOrUpdate(reason, value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    public long this[string reason] => _byReason.GetValueOrDefault(reason);

    public long Total => _byReason.Values.Sum();

    public override string ToString() => string.Join(", ", _byReason.Select(kv => $"{kv.Key}={kv.Value}"));

    public void Dispose() => _listener.Dispose();
}
