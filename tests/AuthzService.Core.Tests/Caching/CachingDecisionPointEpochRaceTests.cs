using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

/// <summary>
/// Issue 11.4: a fill that started before a policy epoch bump (Invalidate(policies), or the Cerbos policy
/// watcher) must not be stored where requests after the bump look: it keeps the epoch captured before the
/// PDP call, and once the replica knows of a newer epoch it is not stored at all.
/// </summary>
[TestClass]
public sealed class CachingDecisionPointEpochRaceTests
{
    private readonly DictionaryLocalCache _l1 = new();
    private readonly DictionarySharedCache _l2 = new();
    private readonly CacheMetrics _metrics = new();

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void Cleanup() => _metrics.Dispose();

    [TestMethod]
    public async Task CheckAsync_FillStartedBeforeEpochBump_NeverAnswersAfterTheBump()
    {
        // The old policies allow delete, the new ones do not; the PDP answers by the epoch it is asked under.
        var pdp = new GatedPdp
        {
            Answer = r => r.Stamp!.PolicyEpoch == 1 ? Allow(r, "read", "delete") : Allow(r, "read"),
        };
        var cache = NewCache(pdp, _l1, invalidation: null);
        var old = Request(epoch: 1);
        var slowFill = cache.CheckAsync(old, TestContext.CancellationToken);
        await pdp.Called.Task.WaitAsync(TestContext.CancellationToken);

        // The epoch is bumped while the old fill is held inside the PDP; the next request reads the new epoch.
        var afterBump = cache.CheckAsync(Request(epoch: 2), TestContext.CancellationToken);
        await WaitUntilAsync(() => pdp.Calls == 2);
        pdp.Release();
        await Task.WhenAll(slowFill, afterBump);
        var later = await cache.CheckAsync(Request(epoch: 2), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls, "a request after the bump joined the fill of the old epoch");
        Assert.AreEqual(Effect.Allow, slowFill.Result.Results[0].Actions["delete"]);
        Assert.AreEqual(Effect.Deny, afterBump.Result.Results[0].Actions["delete"]);
        Assert.AreEqual(DecisionSource.CacheL1, later.Results[0].Source);
        Assert.AreEqual(Effect.Deny, later.Results[0].Actions["delete"], "the old fill's ALLOW answered under the new epoch");
        Assert.IsTrue(_l2.Entries.Values.Where(e => e.Decision.Actions["delete"] == Effect.Allow).All(e => e.PolicyEpoch == 1));
    }

    [TestMethod]
    public async Task CheckAsync_FillEndsAfterThisReplicaLearntOfANewerEpoch_StoresNothingForOtherReplicas()
    {
        // Replica A asked Cerbos before the policy change and gets the old answer (delete allowed) back late.
        var invalidationA = new PrincipalCacheInvalidation(_l1, _metrics, NullLogger<PrincipalCacheInvalidation>.Instance);
        var cerbosBeforeChange = new GatedPdp { Answer = r => Allow(r, "read", "delete") };
        var replicaA = NewCache(cerbosBeforeChange, _l1, invalidationA);
        var slowFill = replicaA.CheckAsync(Request(epoch: 1), TestContext.CancellationToken);
        await cerbosBeforeChange.Called.Task.WaitAsync(TestContext.CancellationToken);

        // Cerbos now serves the new policies (delete denied) and Invalidate(policies) bumped the epoch on A.
        invalidationA.OnPolicyEpochChanged(2);
        cerbosBeforeChange.Release();
        var answeredA = await slowFill;
        var sharedByA = _l2.Entries.Count;

        // Replica B shares L2 and has not been notified yet: its requests still carry epoch 1.
        var cerbosAfterChange = new GatedPdp(open: true) { Answer = r => Allow(r, "read") };
        var replicaB = NewCache(cerbosAfterChange, new DictionaryLocalCache(), invalidation: null);
        var answeredB = await replicaB.CheckAsync(Request(epoch: 1), TestContext.CancellationToken);

        Assert.AreEqual(Effect.Allow, answeredA.Results[0].Actions["delete"], "A's caller asked before the bump and gets Cerbos's answer");
        Assert.AreEqual(0, sharedByA, "a fill that ended after the bump was shared under the old epoch");
        Assert.AreEqual(DecisionSource.Cerbos, answeredB.Results[0].Source);
        Assert.AreEqual(Effect.Deny, answeredB.Results[0].Actions["delete"], "replica B served the ALLOW of the replaced policies from L2");
        Assert.IsFalse(_l1.TryGet<CachedDecision>(DecisionKey(Request(epoch: 1)), out _), "the superseded fill was kept in A's L1");
    }

    private CachingDecisionPoint NewCache(GatedPdp pdp, DictionaryLocalCache l1, PrincipalCacheInvalidation? invalidation) =>
        new(pdp, l1, _l2, Options.Create(new CacheOptions()), _metrics, NullLogger<CachingDecisionPoint>.Instance, null, invalidation);

    private static PdpCheckRequest Request(long epoch) =>
        new("r", Principal(), [Resource(actions: ["read", "delete"])], IncludeMeta: false) { Stamp = Stamp(epoch: epoch) };

    private static string DecisionKey(PdpCheckRequest request)
    {
        var options = new CacheOptions();
        return DecisionCacheKey.For(options.KeyPrefix, options.PolicyRevision, request.Stamp!, request.Principal, request.Resources[0], request.AuxJwt, request.AuxKeySetId);
    }

    private static PdpCheckResult Allow(PdpCheckRequest request, params string[] allowed) => new(
        [.. request.Resources.Select(r => new ResourceDecision(
            r.Kind, r.Id, r.Actions.Distinct().ToDictionary(a => a, a => allowed.Contains(a) ? Effect.Allow : Effect.Deny),
            new Dictionary<string, ActionMatch>(), [], []) { CallId = "call" })],
        "call");

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, TestContext.CancellationToken);
        }
    }
}
