using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class DecisionCachePolicyTests
{
    private static readonly DateTimeOffset s_now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ResourceDecision Decision(params (string Action, Effect Effect)[] actions) =>
        new("document", "doc-1", actions.ToDictionary(a => a.Action, a => a.Effect), new Dictionary<string, ActionMatch>(), [], []);

    private static CachedDecision Entry(string key, DecisionStamp stamp) => new(
        key, stamp.TenantId, stamp.TenantVersion, stamp.PrincipalId, stamp.PrincipalVersion, stamp.PolicyEpoch, "", s_now.AddMinutes(1),
        Decision(("read", Effect.Allow)));

    [TestMethod]
    public void IsCacheable_CompleteAnswer_True() =>
        Assert.IsTrue(DecisionCachePolicy.IsCacheable(new PdpCheckResult([], "c"), Resource(), Decision(("read", Effect.Deny))));

    [TestMethod]
    public void IsCacheable_ProtocolError_False() =>
        Assert.IsFalse(DecisionCachePolicy.IsCacheable(new PdpCheckResult([], "c", ProtocolError: true), Resource(), Decision(("read", Effect.Deny))));

    [TestMethod]
    public void IsCacheable_MissingAction_False() =>
        Assert.IsFalse(DecisionCachePolicy.IsCacheable(new PdpCheckResult([], "c"), Resource(actions: ["read", "delete"]), Decision(("read", Effect.Allow))));

    [TestMethod]
    public void IsCacheable_ValidationErrors_False() =>
        Assert.IsFalse(DecisionCachePolicy.IsCacheable(
            new PdpCheckResult([], "c"), Resource(), Decision(("read", Effect.Deny)) with { ValidationErrors = [new ValidationIssue("/x", "bad", "resource")] }));

    [TestMethod]
    public void IsCacheable_AnswerForAnotherResource_False() =>
        Assert.IsFalse(DecisionCachePolicy.IsCacheable(new PdpCheckResult([], "c"), Resource(id: "doc-2"), Decision(("read", Effect.Allow))));

    [TestMethod]
    public void Answers_SameStampAndKey_True() =>
        Assert.IsTrue(DecisionCachePolicy.Answers(Entry("k", Stamp()), "k", "", Stamp(), Resource(), s_now));

    [TestMethod]
    public void Answers_AnyStampFieldDifferent_False()
    {
        var entry = Entry("k", Stamp());
        var others = new[] { Stamp(tenant: "globex"), Stamp(principal: "bob"), Stamp(tv: 4), Stamp(pv: 8), Stamp(epoch: 2) };

        foreach (var stamp in others)
        {
            Assert.IsFalse(DecisionCachePolicy.Answers(entry, "k", "", stamp, Resource(), s_now), stamp.ToString());
        }

        Assert.IsFalse(DecisionCachePolicy.Answers(entry, "other-key", "", Stamp(), Resource(), s_now));
        Assert.IsFalse(DecisionCachePolicy.Answers(entry, "k", "new-bundle", Stamp(), Resource(), s_now));
        Assert.IsFalse(DecisionCachePolicy.Answers(entry, "k", "", Stamp(), Resource(id: "doc-2"), s_now));
        Assert.IsFalse(DecisionCachePolicy.Answers(entry, "k", "", Stamp(), Resource(), s_now.AddMinutes(1)));
    }

    [TestMethod]
    public void Jittered_NeverLongerThanTtlNorShorterThanNinetyPercent()
    {
        var ttl = TimeSpan.FromMinutes(1);
        var values = Enumerable.Range(0, 500).Select(_ => DecisionCachePolicy.Jittered(ttl)).ToList();

        Assert.IsTrue(values.All(v => v <= ttl && v >= ttl * 0.9));
        Assert.IsTrue(values.Distinct().Count() > 1);
    }
}
