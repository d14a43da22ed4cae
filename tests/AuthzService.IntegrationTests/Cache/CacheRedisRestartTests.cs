using AuthzService.Contracts.V1;
using static AuthzService.IntegrationTests.Cache.CacheCluster;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// Redis restarting on the same port, empty or with the snapshot it had (a restart, a failover to a replica, a
/// restore): invalidations keep arriving, no stale ALLOW is served at any point, and L2 is used again after the
/// replicas reconnect. Each test has its own cluster.
/// </summary>
[TestClass]
public sealed class CacheRedisRestartTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(false, DisplayName = "restarted empty")]
    [DataRow(true, DisplayName = "restarted with its data")]
    public async Task RedisRestarted_NoStaleAllowInBetween_InvalidationsArriveAndL2WorksAfterReconnect(bool keepData)
    {
        await using var cluster = await CacheCluster.StartAsync(keepData ? "cache_redis_restart_kept" : "cache_redis_restart_empty", TestContext.CancellationToken);
        await cluster.UpsertTenantAsync("acme");
        await cluster.GrantAsync("acme", "alice", "viewer");
        await cluster.GrantAsync("acme", "bob", "viewer");

        // Both principals' ALLOWs cached in L1 of both replicas and in L2.
        Assert.AreEqual((Effect.Allow, DecisionSource.Cerbos), await ReadAsync(cluster.A, "acme", "alice", "doc-1"));
        Assert.AreEqual((Effect.Allow, DecisionSource.Cerbos), await ReadAsync(cluster.A, "acme", "bob", "doc-1"));
        var bobsAllow = (await cluster.WaitForL2Async("acme", 2)).Where(IsBobs).ToList();
        Assert.HasCount(1, bobsAllow);
        Assert.AreEqual((Effect.Allow, DecisionSource.CacheL2), await ReadAsync(cluster.B, "acme", "bob", "doc-1"));
        Assert.AreEqual((Effect.Allow, DecisionSource.CacheL2), await ReadAsync(cluster.B, "acme", "alice", "doc-1"));
        if (keepData)
        {
            await cluster.Redis.SaveAsync(TestContext.CancellationToken);
        }

        // Redis goes away; bob is revoked while it is away; both replicas deny him.
        await cluster.Redis.KillAsync();
        await cluster.RevokeAsync("acme", "bob");
        await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "bob", "doc-1")).Effect == Effect.Deny
            && (await ReadAsync(cluster.B, "acme", "bob", "doc-1")).Effect == Effect.Deny, "bob's revocation while Redis is away");

        // From here on, bob must never be allowed again, through the restart and the reconnect.
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        var watcher = WatchForStaleAllowsAsync(cluster, stopWatching.Token);

        await cluster.Redis.StartAsync(TestContext.CancellationToken);
        var keys = await cluster.L2KeysAsync("acme");
        if (keepData)
        {
            // The snapshot brought bob's old ALLOW back: it is there to be (not) read.
            CollectionAssert.IsSubsetOf(bobsAllow, keys.ToList(), "the restored snapshot holds bob's ALLOW from before the revocation");
        }
        else
        {
            CollectionAssert.DoesNotContain(keys.ToList(), bobsAllow[0]);
        }

        // L2 is used again: a decision computed on A after the restart is served to B from Redis.
        var round = 0;
        var back = await EventuallyAsync(async () =>
        {
            var document = $"after-{round++}";
            await ReadAsync(cluster.A, "acme", "alice", document);
            return (await ReadAsync(cluster.B, "acme", "alice", document)).Source == DecisionSource.CacheL2;
        }, "replica B is served from L2 again", TimeSpan.FromSeconds(30));
        TestContext.WriteLine($"L2 in use again {back.TotalMilliseconds:F0} ms after Redis restarted ({(keepData ? "with its data" : "empty")})");

        // Invalidations still arrive after the reconnect: alice's cached ALLOW (L1 and L2) goes on both replicas.
        Assert.AreEqual(Effect.Allow, (await ReadAsync(cluster.B, "acme", "alice", "doc-1")).Effect);
        await cluster.RevokeAsync("acme", "alice");
        var revoked = await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "alice", "doc-1")).Effect == Effect.Deny
            && (await ReadAsync(cluster.B, "acme", "alice", "doc-1")).Effect == Effect.Deny, "alice's revocation after the reconnect");
        TestContext.WriteLine($"revocation after the reconnect seen on both replicas after {revoked.TotalMilliseconds:F1} ms");

        await stopWatching.CancelAsync();
        var (reads, staleAllows) = await watcher;
        TestContext.WriteLine($"{reads} reads of bob across the restart");
        Assert.IsGreaterThan(0, reads);
        Assert.IsEmpty(staleAllows, "stale ALLOWs for bob after his revocation: " + string.Join("; ", staleAllows));

        // And a grant made now reaches both replicas too.
        await cluster.GrantAsync("acme", "bob", "viewer");
        await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "bob", "doc-1")).Effect == Effect.Allow
            && (await ReadAsync(cluster.B, "acme", "bob", "doc-1")).Effect == Effect.Allow, "bob's new grant after the reconnect");
    }

    private static bool IsBobs(string key) => key.Contains(":3:bob:", StringComparison.Ordinal);

    /// <summary>Reads bob's cached document (and a new one each round) on both replicas until stopped; returns every ALLOW seen.</summary>
    private static Task<(int Reads, List<string> StaleAllows)> WatchForStaleAllowsAsync(CacheCluster cluster, CancellationToken stop) => Task.Run(async () =>
    {
        var reads = 0;
        var stale = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var (name, replica) in new[] { ("A", cluster.A), ("B", cluster.B) })
            {
                foreach (var document in new[] { "doc-1", $"watch-{reads}" })
                {
                    var (effect, source) = await ReadAsync(replica, "acme", "bob", document);
                    reads++;
                    if (effect != Effect.Deny)
                    {
                        stale.Add($"{effect} from {source} on {name} for {document}");
                    }
                }
            }
        }

        return (reads, stale);
    }, CancellationToken.None);
}
