using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class CachingDecisionPointTests
{
    private readonly DictionaryLocalCache _l1 = new();
    private readonly DictionarySharedCache _l2 = new();
    private readonly ManualTimeProvider _time = new();
    private readonly CacheMetrics _metrics = new();

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void Cleanup() => _metrics.Dispose();

    private CachingDecisionPoint Cache(IPolicyDecisionPoint inner, ISharedDecisionCache? l2 = null) =>
        new(inner, _l1, l2 ?? _l2, Options.Create(new CacheOptions()), _metrics, NullLogger<CachingDecisionPoint>.Instance, _time);

    private static PdpCheckRequest Request(DecisionStamp? stamp = null, params PdpResource[] resources) =>
        new("r", Principal(), resources.Length == 0 ? [Resource()] : resources, IncludeMeta: false) { Stamp = stamp ?? Stamp() };

    [TestMethod]
    public async Task CheckAsync_SecondIdenticalCheck_AnsweredFromL1WithoutPdp()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        var first = await cache.CheckAsync(Request(), TestContext.CancellationToken);
        var second = await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(1, pdp.Calls);
        Assert.AreEqual(DecisionSource.Cerbos, first.Results[0].Source);
        Assert.AreEqual(DecisionSource.CacheL1, second.Results[0].Source);
        Assert.AreEqual(Effect.Allow, second.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckAsync_EntryOnlyInL2_AnsweredFromL2AndPromotedToL1()
    {
        await Cache(new GatedPdp(open: true)).CheckAsync(Request(), TestContext.CancellationToken);
        _l1.Clear();
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        var fromL2 = await cache.CheckAsync(Request(), TestContext.CancellationToken);
        var fromL1 = await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(0, pdp.Calls);
        Assert.AreEqual(DecisionSource.CacheL2, fromL2.Results[0].Source);
        Assert.AreEqual(DecisionSource.CacheL1, fromL1.Results[0].Source);
    }

    [TestMethod]
    public async Task CheckAsync_ConcurrentMissesOnOneKey_OnePdpCall()
    {
        var pdp = new GatedPdp();
        var cache = Cache(pdp);

        var checks = Enumerable.Range(0, 20).Select(_ => cache.CheckAsync(Request(), TestContext.CancellationToken)).ToList();
        await pdp.Called.Task.WaitAsync(TestContext.CancellationToken);
        pdp.Release();
        var results = await Task.WhenAll(checks);

        Assert.AreEqual(1, pdp.Calls);
        Assert.IsTrue(results.All(r => r.Results[0].Actions["read"] == Effect.Allow));
    }

    [TestMethod]
    public async Task CheckAsync_BatchWithSeveralMisses_OnePdpCallForAllOfThem()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        await cache.CheckAsync(Request(null, Resource(id: "a")), TestContext.CancellationToken);

        var batch = await cache.CheckAsync(Request(null, Resource(id: "a"), Resource(id: "b"), Resource(id: "c"), Resource(id: "b")), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        CollectionAssert.AreEqual(new[] { "b", "c" }, pdp.Requests[1].Resources.Select(r => r.Id).ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "b" }, batch.Results.Select(r => r.Id).ToArray());
        Assert.AreEqual(DecisionSource.CacheL1, batch.Results[0].Source);
    }

    [TestMethod]
    public async Task CheckAsync_BatchOverlappingAnInFlightCheck_AsksOnlyForWhatItOwns()
    {
        var pdp = new GatedPdp();
        var cache = Cache(pdp);
        var first = cache.CheckAsync(Request(null, Resource(id: "a")), TestContext.CancellationToken);
        await pdp.Called.Task.WaitAsync(TestContext.CancellationToken);

        var second = cache.CheckAsync(Request(null, Resource(id: "a"), Resource(id: "b")), TestContext.CancellationToken);
        pdp.Release();
        var result = await second;
        await first;

        Assert.AreEqual(2, pdp.Calls);
        CollectionAssert.AreEqual(new[] { "b" }, pdp.Requests[1].Resources.Select(r => r.Id).ToArray());
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckAsync_ProtocolErrorAnswer_NotCached()
    {
        var pdp = new GatedPdp(open: true) { Answer = r => GatedPdp.AllowRead(r) with { ProtocolError = true } };
        var cache = Cache(pdp);

        var first = await cache.CheckAsync(Request(), TestContext.CancellationToken);
        await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.IsTrue(first.ProtocolError);
        Assert.AreEqual(2, pdp.Calls);
        Assert.IsEmpty(_l1.Entries);
        Assert.IsEmpty(_l2.Entries);
    }

    [TestMethod]
    public async Task CheckAsync_PdpThrows_NothingCachedAndNextCheckAsksAgain()
    {
        var pdp = new GatedPdp(open: true) { Throw = new PdpUnavailableException("down") };
        var cache = Cache(pdp);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => cache.CheckAsync(Request(), TestContext.CancellationToken));
        pdp.Throw = null;
        var result = await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        Assert.AreEqual(DecisionSource.Cerbos, result.Results[0].Source);
        Assert.AreEqual(0, cache.InFlight);
    }

    [TestMethod]
    public async Task CheckAsync_OwnerFailsWhileOthersWait_WaitersAskForThemselves()
    {
        var pdp = new GatedPdp { Throw = new PdpUnavailableException("down") };
        var cache = Cache(pdp);
        var owner = cache.CheckAsync(Request(), TestContext.CancellationToken);
        await pdp.Called.Task.WaitAsync(TestContext.CancellationToken);
        var waiter = cache.CheckAsync(Request(), TestContext.CancellationToken);

        pdp.Release();
        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => owner);
        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => waiter);

        Assert.AreEqual(2, pdp.Calls, "the waiter got no shared failure: it asked the PDP itself");
    }

    [TestMethod]
    public async Task CheckAsync_PartialOrInvalidAnswer_NotCached()
    {
        var pdp = new GatedPdp(open: true)
        {
            Answer = r => new PdpCheckResult(
                [new ResourceDecision("document", "doc-1", new Dictionary<string, Effect> { ["read"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], [])],
                "call"),
        };
        var cache = Cache(pdp);

        await cache.CheckAsync(Request(null, Resource(actions: ["read", "delete"])), TestContext.CancellationToken);

        Assert.IsEmpty(_l1.Entries);
    }

    [TestMethod]
    public async Task CheckAsync_Fresh_SkipsReadsButStores()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        await cache.CheckAsync(Request(), TestContext.CancellationToken);

        var fresh = await cache.CheckAsync(Request(Stamp() with { Fresh = true }), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        Assert.AreEqual(DecisionSource.Cerbos, fresh.Results[0].Source);
        Assert.HasCount(1, _l1.Entries);
    }

    [TestMethod]
    public async Task CheckAsync_AllowStoredAfterRevocation_NotServedToTheNextCheck()
    {
        // A check reads principal version 7, is held at the PDP while the membership is revoked (version 8),
        // then stores its ALLOW. The next check carries version 8: a different key, so it cannot see that ALLOW.
        var pdp = new GatedPdp();
        var cache = Cache(pdp);
        var before = cache.CheckAsync(Request(Stamp(pv: 7)), TestContext.CancellationToken);
        await pdp.Called.Task.WaitAsync(TestContext.CancellationToken);
        pdp.Release();
        Assert.AreEqual(Effect.Allow, (await before).Results[0].Actions["read"]);

        pdp.Answer = r => new PdpCheckResult(
            [.. r.Resources.Select(x => new ResourceDecision(x.Kind, x.Id, new Dictionary<string, Effect> { ["read"] = Effect.Deny }, new Dictionary<string, ActionMatch>(), [], []))], "c2");
        var after = await cache.CheckAsync(Request(Stamp(pv: 8)), TestContext.CancellationToken);

        Assert.AreEqual(Effect.Deny, after.Results[0].Actions["read"]);
        Assert.AreEqual(DecisionSource.Cerbos, after.Results[0].Source);
    }

    [TestMethod]
    public async Task CheckAsync_EntryOfAnotherTenantUnderTheKey_MissNotServed()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        var request = Request();
        var key = DecisionCacheKey.For(CacheOptions.DefaultKeyPrefix, "", request.Stamp!, request.Principal, request.Resources[0], null);
        var planted = new CachedDecision(key, "globex", 3, "alice", 7, 1, "", _time.GetUtcNow().AddMinutes(1),
            new ResourceDecision("document", "doc-1", new Dictionary<string, Effect> { ["read"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], []));
        _l1.Store(key, planted, TimeSpan.FromMinutes(1));
        _l2.Entries[key] = planted;

        var result = await cache.CheckAsync(request, TestContext.CancellationToken);

        Assert.AreEqual(1, pdp.Calls);
        Assert.AreEqual(DecisionSource.Cerbos, result.Results[0].Source);
    }

    [TestMethod]
    public async Task CheckAsync_ExpiredEntry_Miss()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        await cache.CheckAsync(Request(), TestContext.CancellationToken);

        _time.Advance(CacheOptions.DefaultTtl);
        await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
    }

    [TestMethod]
    public async Task CheckAsync_L2Down_StillAnswersFromPdpAndL1()
    {
        _l2.Down = true;
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        await cache.CheckAsync(Request(), TestContext.CancellationToken);
        var second = await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(1, pdp.Calls);
        Assert.AreEqual(DecisionSource.CacheL1, second.Results[0].Source);
    }

    [TestMethod]
    public async Task CheckAsync_NoStamp_PassesThroughUncached()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        await cache.CheckAsync(Request() with { Stamp = null }, TestContext.CancellationToken);
        await cache.CheckAsync(Request() with { Stamp = null }, TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        Assert.IsEmpty(_l1.Entries);
    }

    [TestMethod]
    public async Task CheckAsync_CachedForMetaLessCaller_ServesMetaCaller()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        await cache.CheckAsync(Request(), TestContext.CancellationToken);

        Assert.IsTrue(pdp.Requests[0].IncludeMeta, "misses always ask for meta so one entry serves both kinds of caller");
    }
}
