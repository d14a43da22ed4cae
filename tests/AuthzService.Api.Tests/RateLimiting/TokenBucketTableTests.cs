using AuthzService.Api.RateLimiting;

namespace AuthzService.Api.Tests.RateLimiting;

[TestClass]
public sealed class TokenBucketTableTests
{
    private static readonly RateLimit s_tenPerSecond = new() { PermitsPerSecond = 10 };

    private static int Granted<TKey>(TokenBucketTable<TKey> table, TKey key, int attempts, RateLimit? limit = null)
        where TKey : notnull =>
        Enumerable.Range(0, attempts).Count(_ => table.TryAcquire(key, limit ?? s_tenPerSecond) is null);

    [TestMethod]
    public void TryAcquire_PastTheBucket_RefusedWithTheTimeUntilTheNextToken()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);

        var granted = Granted(table, "acme", 10);
        var wait = table.TryAcquire("acme", s_tenPerSecond);

        Assert.AreEqual(10, granted);
        Assert.IsNotNull(wait);
        Assert.AreEqual(TimeSpan.FromMilliseconds(100), wait.Value);
    }

    [TestMethod]
    public void TryAcquire_TimePasses_RefillsInProportion()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);
        Granted(table, "acme", 10);

        time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.AreEqual(3, Granted(table, "acme", 10));
    }

    [TestMethod]
    public void TryAcquire_BurstSet_BucketHoldsTheBurst()
    {
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, new ManualTimeProvider());

        Assert.AreEqual(25, Granted(table, "acme", 40, new RateLimit { PermitsPerSecond = 10, Burst = 25 }));
    }

    [TestMethod]
    public void TryAcquire_LimitChangesForAKey_SameBucketRefillsAtTheNewRate()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);
        Granted(table, "acme", 10);
        var enterprise = new RateLimit { PermitsPerSecond = 1000 };

        time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.AreEqual(20, Granted(table, "acme", 100, enterprise));
        Assert.AreEqual(1, table.Count);
    }

    [TestMethod]
    public void TryAcquire_ManyDistinctKeysOfIdleBuckets_CountStaysAtCapacity()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);

        for (var i = 0; i < 10_000; i++)
        {
            table.TryAcquire($"tenant-{i}", s_tenPerSecond);
            // Each bucket is full again a tenth of a second later: nothing is lost by dropping it.
            time.Advance(TimeSpan.FromMilliseconds(150));
        }

        Assert.IsLessThanOrEqualTo(100, table.Count);
    }

    [TestMethod]
    public void TryAcquire_TableFullOfBusyBuckets_NewKeysShareOneLimitedOverflowBucket()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);
        var overflowed = 0;
        table.Overflowed += () => overflowed++;
        for (var i = 0; i < 100; i++)
        {
            Granted(table, $"busy-{i}", 10);
        }

        // 50 new keys, 1 call each: together they get the overflow bucket's 10 permits, not 50.
        var granted = Enumerable.Range(0, 50).Count(i => table.TryAcquire($"new-{i}", s_tenPerSecond) is null);

        Assert.AreEqual(100, table.Count);
        Assert.AreEqual(10, granted);
        Assert.AreEqual(1, overflowed, "reported once per sweep interval, not per call");
    }

    [TestMethod]
    public void TryAcquire_TableChurns_BusyKeyKeepsItsStateAndStaysLimited()
    {
        var time = new ManualTimeProvider();
        var table = new TokenBucketTable<string>(100, s_tenPerSecond, time);
        Granted(table, "noisy", 10);

        for (var i = 0; i < 1_000; i++)
        {
            table.TryAcquire($"tenant-{i}", s_tenPerSecond);
            time.Advance(TimeSpan.FromMilliseconds(1));
            // The noisy key takes every token as soon as it is there: its bucket is never full, never dropped.
            table.TryAcquire("noisy", s_tenPerSecond);
        }

        Assert.IsNotNull(table.TryAcquire("noisy", s_tenPerSecond));
        Assert.IsLessThanOrEqualTo(100, table.Count);
    }
}
