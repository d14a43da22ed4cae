using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Caching;
using AuthzService.Testing;
using Microsoft.Extensions.Logging;

namespace AuthzService.Api.Tests.Caching;

[TestClass]
public sealed class SignedDecisionCodecTests
{
    private const string Key = "authz:cerbos:d2:1:4:acme:3:5:alice:7:hash";
    private static readonly byte[] s_key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    [TestMethod]
    public void Decode_WhatEncodeWrote_IsTheEntry()
    {
        using var harness = new Harness();

        var entry = harness.Codec.Decode(Key, harness.Codec.Encode(Entry()));

        Assert.IsNotNull(entry);
        Assert.AreEqual(Effect.Allow, entry.Decision.Actions["delete"]);
        Assert.AreEqual(0, harness.Rejected.Count);
    }

    [TestMethod]
    public void Decode_ForgedValues_AreMissesCountedByReason()
    {
        using var harness = new Harness();
        var unsigned = CachedDecisionSerializer.Serialize(Entry());
        var foreign = new CacheValueSigner(new byte[32]).Sign(Key, unsigned);
        var moved = harness.Codec.Encode(Entry() with { Key = "authz:cerbos:d2:other" });

        Assert.IsNull(harness.Codec.Decode(Key, unsigned));
        Assert.IsNull(harness.Codec.Decode(Key, foreign));
        Assert.IsNull(harness.Codec.Decode(Key, moved));
        Assert.IsNull(harness.Codec.Decode(Key, null));

        Assert.AreEqual(1, harness.Rejected.GetValueOrDefault("unsigned"));
        Assert.AreEqual(1, harness.Rejected.GetValueOrDefault("unknown_key"));
        Assert.AreEqual(1, harness.Rejected.GetValueOrDefault("bad_signature"));
    }

    [TestMethod]
    public void Decode_ManyRefusals_LoggedOncePerIntervalWithTheCountOfTheRest()
    {
        using var harness = new Harness();
        var forged = CachedDecisionSerializer.Serialize(Entry());

        for (var i = 0; i < 1000; i++)
        {
            harness.Codec.Decode(Key, forged);
        }

        harness.Time.Advance(SignedDecisionCodec.LogInterval);
        harness.Codec.Decode(Key, forged);

        Assert.AreEqual(1001, harness.Rejected["unsigned"]);
        Assert.HasCount(2, harness.Logs.Lines);
        StringAssert.Contains(harness.Logs.Lines.ElementAt(0).Message, "0 more refused since the last report");
        StringAssert.Contains(harness.Logs.Lines.ElementAt(1).Message, "999 more refused since the last report");
        Assert.IsTrue(harness.Logs.Lines.All(l => l.EventId == 6150 && l.Level == LogLevel.Warning));
    }

    [TestMethod]
    public void Decode_SignedButUnreadablePayload_IsAMissCountedAsUnreadable()
    {
        using var harness = new Harness();

        var entry = harness.Codec.Decode(Key, new CacheValueSigner(s_key).Sign(Key, Encoding.UTF8.GetBytes("cd1|{\"Key\":\"trunc")));

        Assert.IsNull(entry);
        Assert.AreEqual(1, harness.Rejected["unreadable"]);
        Assert.AreEqual(1202, harness.Logs.Lines.Single().EventId);
    }

    private static CachedDecision Entry() => new(
        Key, "acme", 3, "alice", 7, 1, string.Empty, DateTimeOffset.UnixEpoch.AddYears(60),
        new ResourceDecision("document", "doc-1", new Dictionary<string, Effect> { ["delete"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], [])
        {
            CallId = "call",
        });

    private sealed class Harness : IDisposable
    {
        private readonly CacheMetrics _metrics = new();
        private readonly MeterListener _listener = new();

        public Harness()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == _metrics.Meter && instrument.Name == "authz.cache.rejected")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var reason = (string)tags.ToArray().Single(t => t.Key == "reason").Value!;
                Rejected.AddOrUpdate(reason, value, (_, v) => v + value);
            });
            _listener.Start();
            Codec = new SignedDecisionCodec(new CacheValueSigner(s_key), _metrics, Logs.CreateLogger<SignedDecisionCodec>(), Time);
        }

        public ManualTime Time { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        public ConcurrentDictionary<string, long> Rejected { get; } = new();

        public SignedDecisionCodec Codec { get; }

        public void Dispose()
        {
            _listener.Dispose();
            _metrics.Dispose();
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
