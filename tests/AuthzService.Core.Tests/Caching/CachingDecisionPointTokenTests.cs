using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.Core.Tests.Caching.AuxTokenLifetimeTests;
using static AuthzService.Core.Tests.Caching.DecisionCacheKeyTests;

namespace AuthzService.Core.Tests.Caching;

/// <summary>Issue 11.4: a decision made with an aux_data JWT is never served from cache after the token expires.</summary>
[TestClass]
public sealed class CachingDecisionPointTokenTests
{
    private readonly DictionaryLocalCache _l1 = new();
    private readonly DictionarySharedCache _l2 = new();
    private readonly ManualTimeProvider _time = new();
    private readonly CacheMetrics _metrics = new();

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void Cleanup() => _metrics.Dispose();

    private CachingDecisionPoint Cache(IPolicyDecisionPoint inner) =>
        new(inner, _l1, _l2, Options.Create(new CacheOptions { Ttl = TimeSpan.FromMinutes(1) }), _metrics, NullLogger<CachingDecisionPoint>.Instance, _time);

    private static PdpCheckRequest Request(string? jwt) =>
        new("r", Principal(), [Resource()], IncludeMeta: false, AuxJwt: jwt) { Stamp = Stamp() };

    [TestMethod]
    public async Task CheckAsync_TokenExpiresBeforeTheTtl_NotServedFromCacheAfterItsExpiry()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        var jwt = JwtExpiringAt(_time.GetUtcNow().AddSeconds(10));

        await cache.CheckAsync(Request(jwt), TestContext.CancellationToken);
        var beforeExpiry = await cache.CheckAsync(Request(jwt), TestContext.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(11));
        var afterExpiry = await cache.CheckAsync(Request(jwt), TestContext.CancellationToken);

        Assert.AreEqual(DecisionSource.CacheL1, beforeExpiry.Results[0].Source, "a valid token's decision is cached");
        Assert.AreEqual(DecisionSource.Cerbos, afterExpiry.Results[0].Source, "an expired token's ALLOW was answered from cache");
        Assert.AreEqual(2, pdp.Calls);
    }

    [TestMethod]
    public async Task CheckAsync_TokenExpiresBeforeTheTtl_EntriesExpireWithTheToken()
    {
        var cache = Cache(new GatedPdp(open: true));
        var exp = _time.GetUtcNow().AddSeconds(10);

        await cache.CheckAsync(Request(JwtExpiringAt(exp)), TestContext.CancellationToken);

        var stored = _l2.Entries.Values.Single();
        Assert.IsLessThanOrEqualTo(exp, stored.ExpiresAt, "L2 keeps the entry past the token's expiry");
        Assert.IsTrue(_l1.Ttls.Values.All(ttl => ttl <= TimeSpan.FromSeconds(10)), "L1 keeps the entry past the token's expiry");
    }

    [TestMethod]
    public async Task CheckAsync_TokenWithoutExpiry_CachedForTheTtl()
    {
        var cache = Cache(new GatedPdp(open: true));

        await cache.CheckAsync(Request(Jwt("""{"sub":"alice"}""")), TestContext.CancellationToken);

        Assert.IsGreaterThan(_time.GetUtcNow().AddSeconds(50), _l2.Entries.Values.Single().ExpiresAt);
    }

    [TestMethod]
    public async Task CheckAsync_ExpiredToken_AskedEveryTimeAndNeverStored()
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);
        var jwt = JwtExpiringAt(_time.GetUtcNow().AddSeconds(-1));

        await cache.CheckAsync(Request(jwt), TestContext.CancellationToken);
        var second = await cache.CheckAsync(Request(jwt), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        Assert.AreEqual(DecisionSource.Cerbos, second.Results[0].Source);
        Assert.IsEmpty(_l2.Entries);
        Assert.IsEmpty(_l1.Ttls);
    }

    [TestMethod]
    public async Task CheckAsync_ExpiredTokenWithAnEntryUnderItsKey_EntryNotServed()
    {
        // An entry written before the token expired (e.g. by an older replica that did not cap it) must not answer.
        var jwt = JwtExpiringAt(_time.GetUtcNow().AddSeconds(10));
        var request = Request(jwt);
        var key = DecisionCacheKey.For(CacheOptions.DefaultKeyPrefix, string.Empty, request.Stamp!, request.Principal, request.Resources[0], jwt, null);
        var decision = GatedPdp.AllowRead(request).Results[0] with { Source = DecisionSource.Cerbos };
        var stamp = request.Stamp!;
        var entry = new CachedDecision(key, stamp.TenantId, stamp.TenantVersion, stamp.PrincipalId, stamp.PrincipalVersion, stamp.PolicyEpoch, string.Empty, _time.GetUtcNow().AddMinutes(1), decision);
        _l1.Store(key, entry, TimeSpan.FromMinutes(1));
        _l2.Store([entry]);
        var pdp = new GatedPdp(open: true);
        _time.Advance(TimeSpan.FromSeconds(11));

        var answer = await Cache(pdp).CheckAsync(request, TestContext.CancellationToken);

        Assert.AreEqual(DecisionSource.Cerbos, answer.Results[0].Source);
        Assert.AreEqual(1, pdp.Calls);
    }

    [TestMethod]
    [DataRow("""{"nbf":1893456000}""")]
    [DataRow("""{"exp":"soon"}""")]
    [DataRow("""not json""")]
    public async Task CheckAsync_TokenNotYetValidOrUnreadable_NeverStored(string payload)
    {
        var pdp = new GatedPdp(open: true);
        var cache = Cache(pdp);

        await cache.CheckAsync(Request(Jwt(payload)), TestContext.CancellationToken);
        await cache.CheckAsync(Request(Jwt(payload)), TestContext.CancellationToken);

        Assert.AreEqual(2, pdp.Calls);
        Assert.IsEmpty(_l2.Entries);
    }
}
