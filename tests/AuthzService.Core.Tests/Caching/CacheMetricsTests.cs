using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class CacheMetricsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task CheckAsync_MissThenHit_CountsMissesHitsAndOnePdpCall()
    {
        using var metrics = new CacheMetrics();
        var seen = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == GetMeter(metrics))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var level = tags.ToArray().FirstOrDefault(t => t.Key == "level").Value;
            seen.AddOrUpdate($"{instrument.Name}/{level}", value, (_, v) => v + value);
        });
        listener.Start();
        var cache = new CachingDecisionPoint(
            new GatedPdp(open: true), new DictionaryLocalCache(), new DictionarySharedCache(), Options.Create(new CacheOptions()),
            metrics, NullLogger<CachingDecisionPoint>.Instance);
        var request = new PdpCheckRequest("r", Principal(), [Resource()], false) { Stamp = Stamp() };

        await cache.CheckAsync(request, TestContext.CancellationToken);
        await cache.CheckAsync(request, TestContext.CancellationToken);

        Assert.AreEqual(1, seen.GetValueOrDefault("authz.cache.misses/l1"));
        Assert.AreEqual(1, seen.GetValueOrDefault("authz.cache.misses/l2"));
        Assert.AreEqual(1, seen.GetValueOrDefault("authz.cache.hits/l1"));
        Assert.AreEqual(1, seen.GetValueOrDefault("authz.cache.pdp_calls/"));
    }

    [TestMethod]
    public void Invalidation_EachNotification_Counted()
    {
        using var metrics = new CacheMetrics();
        var kinds = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == GetMeter(metrics) && instrument.Name == "authz.cache.invalidations")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => kinds.Add((string)tags.ToArray().Single(t => t.Key == "kind").Value!));
        listener.Start();
        var sink = new PrincipalCacheInvalidation(new DictionaryLocalCache(), metrics, NullLogger<PrincipalCacheInvalidation>.Instance);

        sink.OnPrincipalChanged("acme", "alice", 2);
        sink.OnTenantChanged("acme", 3);
        sink.OnPolicyEpochChanged(4);
        sink.OnResync();

        CollectionAssert.AreEquivalent(new[] { "principal", "tenant", "policy", "resync" }, kinds.ToArray());
    }

    private static Meter GetMeter(CacheMetrics metrics) => metrics.Meter;
}
