using AuthzService.Api.RateLimiting;

namespace AuthzService.Api.Tests.RateLimiting;

[TestClass]
public sealed class TenantTierCacheTests
{
    private static TenantTierCache Cache(ManualTimeProvider time, int capacity = 100) =>
        new(Microsoft.Extensions.Options.Options.Create(new RateLimitOptions { TierCacheTtl = TimeSpan.FromSeconds(30), MaxTrackedTenants = capacity }), time);

    [TestMethod]
    public void TierOf_NeverLearned_Default()
    {
        var cache = Cache(new ManualTimeProvider());

        Assert.AreEqual(string.Empty, cache.TierOf("acme"));
        Assert.AreEqual(0, cache.Count);
    }

    [TestMethod]
    public void TierOf_Learned_UntilTheTtlEnds()
    {
        var time = new ManualTimeProvider();
        var cache = Cache(time);

        cache.Learn("acme", "enterprise");
        time.Advance(TimeSpan.FromSeconds(29));
        var during = cache.TierOf("acme");
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.AreEqual("enterprise", during);
        Assert.AreEqual(string.Empty, cache.TierOf("acme"));
    }

    [TestMethod]
    public void Learn_TierChanged_NewTierAtOnce()
    {
        var cache = Cache(new ManualTimeProvider());

        cache.Learn("acme", "enterprise");
        cache.Learn("acme", "free");

        Assert.AreEqual("free", cache.TierOf("acme"));
    }

    [TestMethod]
    public void Forget_TenantGone_Default()
    {
        var cache = Cache(new ManualTimeProvider());
        cache.Learn("acme", "enterprise");

        cache.Forget("acme");

        Assert.AreEqual(string.Empty, cache.TierOf("acme"));
        Assert.AreEqual(0, cache.Count);
    }

    [TestMethod]
    public void Learn_BeyondCapacity_BoundedAndExpiredEntriesMakeRoom()
    {
        var time = new ManualTimeProvider();
        var cache = Cache(time, capacity: 100);
        for (var i = 0; i < 150; i++)
        {
            cache.Learn($"tenant-{i}", "pro");
        }

        var full = cache.Count;
        time.Advance(TimeSpan.FromSeconds(31));
        cache.Learn("late", "enterprise");

        Assert.AreEqual(100, full);
        Assert.AreEqual(1, cache.Count);
        Assert.AreEqual("enterprise", cache.TierOf("late"));
    }
}
