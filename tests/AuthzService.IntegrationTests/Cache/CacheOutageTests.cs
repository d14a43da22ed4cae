using AuthzService.Contracts.V1;
using AuthzService.Infrastructure.Postgres;
using Npgsql;
using static AuthzService.IntegrationTests.Cache.CacheCluster;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>Losing Redis or the notification connection costs speed, never correctness. Each test has its own cluster.</summary>
[TestClass]
public sealed class CacheOutageTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task RedisKilledMidRun_AnswersStayCorrect_AndL2IsUsedAgainAfterRestart()
    {
        await using var cluster = await CacheCluster.StartAsync("cache_redis_outage", TestContext.CancellationToken);
        await cluster.UpsertTenantAsync("acme");
        await cluster.GrantAsync("acme", "alice", "viewer");
        await cluster.GrantAsync("acme", "bob", "viewer");
        Assert.AreEqual((Effect.Allow, DecisionSource.Cerbos), await ReadAsync(cluster.A, "acme", "alice", "doc-1"));
        await cluster.WaitForL2Async("acme");
        Assert.AreEqual((Effect.Allow, DecisionSource.CacheL2), await ReadAsync(cluster.B, "acme", "alice", "doc-1"));

        await cluster.Redis.KillAsync();

        // Cached and uncached answers stay right on both replicas, and a revocation during the outage is seen.
        for (var i = 0; i < 20; i++)
        {
            foreach (var replica in new[] { cluster.A, cluster.B })
            {
                Assert.AreEqual(Effect.Allow, (await ReadAsync(replica, "acme", "alice", "doc-1")).Effect);
                Assert.AreEqual(Effect.Allow, (await ReadAsync(replica, "acme", "bob", $"outage-{i}")).Effect);
            }
        }

        await cluster.RevokeAsync("acme", "bob");
        var revoked = await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "bob", "outage-0")).Effect == Effect.Deny
            && (await ReadAsync(cluster.B, "acme", "bob", "outage-0")).Effect == Effect.Deny, "revocation during the Redis outage");
        TestContext.WriteLine($"revocation during Redis outage seen on both after {revoked.TotalMilliseconds:F1} ms");
        foreach (var replica in new[] { cluster.A, cluster.B })
        {
            Assert.AreEqual(1, replica.Logs.Lines.Count(l => l.EventId == 1200), "the outage is logged once:\n" + replica.Logs.Text);
        }

        await cluster.Redis.StartAsync(TestContext.CancellationToken);
        var round = 0;
        var back = await EventuallyAsync(async () =>
        {
            var document = $"after-{round++}";
            await ReadAsync(cluster.A, "acme", "alice", document);
            return (await ReadAsync(cluster.B, "acme", "alice", document)).Source == DecisionSource.CacheL2;
        }, "replica B is served from L2 again", TimeSpan.FromSeconds(30));
        TestContext.WriteLine($"L2 in use again {back.TotalMilliseconds:F0} ms after Redis restarted");
        Assert.IsTrue(cluster.B.Logs.Lines.Any(l => l.EventId == 1201), cluster.B.Logs.Text);
    }

    [TestMethod]
    public async Task NotificationConnectionKilled_RevocationStillSeenWithinBound()
    {
        await using var cluster = await CacheCluster.StartAsync("cache_listener_outage", TestContext.CancellationToken);
        await cluster.UpsertTenantAsync("acme");
        await cluster.GrantAsync("acme", "alice", "viewer");
        foreach (var replica in new[] { cluster.A, cluster.B, cluster.A, cluster.B })
        {
            Assert.AreEqual(Effect.Allow, (await ReadAsync(replica, "acme", "alice", "doc-1")).Effect);
        }

        // Keep killing both replicas' LISTEN connections (they reconnect within ~100 ms), so notifications are lost.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        await using var admin = await cluster.OpenDatabaseAsync(stop.Token);
        var killed = 0;
        var killer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'authz-invalidation-listener' AND datname = current_database()",
                    admin);
                Interlocked.Add(ref killed, Convert.ToInt32(await kill.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);

        // Both replicas' listeners have lost a connection before the write: its notification may be lost.
        await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref killed) >= 2), "both listener connections killed once");
        await cluster.RevokeAsync("acme", "alice");
        var elapsed = await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "alice", "doc-1")).Effect == Effect.Deny
            && (await ReadAsync(cluster.B, "acme", "alice", "doc-1")).Effect == Effect.Deny, "revocation while notifications are lost");
        await stop.CancelAsync();
        await killer;
        TestContext.WriteLine($"NOTIFICATIONS DOWN: revocation seen on both replicas after {elapsed.TotalMilliseconds:F1} ms ({killed} listener connections killed; bound: Cache:DegradedPrincipalTtl = 1 s)");
        Assert.IsGreaterThan(0, killed);

        // The listeners come back, and notifications work again.
        foreach (var replica in new[] { cluster.A, cluster.B })
        {
            await replica.GetRequiredService<PostgresNotificationListener>().WhenListeningAsync(TestContext.CancellationToken).WaitAsync(CacheCluster.Bound, TestContext.CancellationToken);
        }

        await cluster.GrantAsync("acme", "alice", "viewer");
        await EventuallyAsync(async () =>
            (await ReadAsync(cluster.A, "acme", "alice", "doc-1")).Effect == Effect.Allow
            && (await ReadAsync(cluster.B, "acme", "alice", "doc-1")).Effect == Effect.Allow, "re-grant seen after reconnect");
    }
}
