using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

/// <summary>
/// Issue 11.4: while the Cerbos policy watch is enabled but not confirmed, a policy change inside Cerbos may
/// go unseen, so the cache falls back to a short TTL and does not read L2 (entries there may have been
/// written with the full TTL before the change).
/// </summary>
[TestClass]
public sealed class CachingDecisionPointPolicyWatchTests
{
    private static readonly TimeSpan s_short = TimeSpan.FromSeconds(5);
    private readonly DictionaryLocalCache _l1 = new();
    private readonly DictionarySharedCache _l2 = new();
    private readonly CacheMetrics _metrics = new();

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void Cleanup() => _metrics.Dispose();

    [TestMethod]
    public async Task CheckAsync_WatchUnconfirmed_CachesAtMostTheShortTtlAndIgnoresL2()
    {
        var watch = new PolicyWatchState(enabled: true, s_short);
        var writer = NewCache(new GatedPdp(open: true) { Answer = r => Answer(r, deleteAllowed: true) }, new DictionaryLocalCache(), PolicyWatchState.Disabled);
        await writer.CheckAsync(Request(), TestContext.CancellationToken);
        var stale = Assert.ContainsSingle(_l2.Entries.Values);
        Assert.IsGreaterThan(DateTimeOffset.UtcNow + s_short, stale.ExpiresAt, "written with the full TTL while watched");

        var pdp = new GatedPdp(open: true) { Answer = r => Answer(r, deleteAllowed: false) };
        var answer = await NewCache(pdp, _l1, watch).CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(DecisionSource.Cerbos, answer.Results[0].Source, "an L2 entry answered while the watch was unconfirmed");
        Assert.AreEqual(Effect.Deny, answer.Results[0].Actions["delete"]);
        var stored = Assert.ContainsSingle(_l1.Entries.Values.OfType<CachedDecision>());
        Assert.IsLessThanOrEqualTo(DateTimeOffset.UtcNow + s_short, stored.ExpiresAt, "cached beyond the short TTL while unconfirmed");
    }

    [TestMethod]
    public async Task CheckAsync_WatchConfirmed_FullTtlAndL2()
    {
        var watch = new PolicyWatchState(enabled: true, s_short);
        watch.Confirm();
        await NewCache(new GatedPdp(open: true), new DictionaryLocalCache(), watch).CheckAsync(Request(), TestContext.CancellationToken);
        var pdp = new GatedPdp(open: true);

        var answer = await NewCache(pdp, _l1, watch).CheckAsync(Request(), TestContext.CancellationToken);

        Assert.AreEqual(DecisionSource.CacheL2, answer.Results[0].Source);
        Assert.AreEqual(0, pdp.Calls);
        Assert.IsGreaterThan(DateTimeOffset.UtcNow + s_short, Assert.ContainsSingle(_l2.Entries.Values).ExpiresAt);
    }

    private CachingDecisionPoint NewCache(GatedPdp pdp, DictionaryLocalCache l1, PolicyWatchState watch) =>
        new(pdp, l1, _l2, Options.Create(new CacheOptions { Ttl = TimeSpan.FromMinutes(10) }), _metrics, NullLogger<CachingDecisionPoint>.Instance, null, null, watch);

    private static PdpCheckRequest Request() =>
        new("r", Principal(), [Resource(actions: ["read", "delete"])], IncludeMeta: false) { Stamp = Stamp() };

    private static PdpCheckResult Answer(PdpCheckRequest request, bool deleteAllowed) => new(
        [.. request.Resources.Select(r => new ResourceDecision(
            r.Kind, r.Id, r.Actions.Distinct().ToDictionary(a => a, a => a == "read" || deleteAllowed ? Effect.Allow : Effect.Deny),
            new Dictionary<string, ActionMatch>(), [], []) { CallId = "call" })],
        "call");
}
