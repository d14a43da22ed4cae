using System.Diagnostics;
using AuthzService.Api.Mapping;
using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.IntegrationTests.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static AuthzService.IntegrationTests.Cache.CacheCluster;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>The decision cache across two replicas sharing real PostgreSQL, Redis and Cerbos.</summary>
[TestClass]
public sealed class CacheReplicaTests
{
    private static CacheCluster s_cluster = null!;
    private static int s_tenants;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_cluster = await CacheCluster.StartAsync("cache_replicas", context.CancellationToken);

    [ClassCleanup]
    public static async Task StopAsync() => await s_cluster.DisposeAsync();

    /// <summary>A new tenant per test (tests run in parallel on one cluster) with alice as viewer.</summary>
    private static async Task<string> ViewerTenantAsync()
    {
        var tenant = $"t{Interlocked.Increment(ref s_tenants)}-{Guid.NewGuid():N}"[..20];
        await s_cluster.UpsertTenantAsync(tenant);
        await s_cluster.GrantAsync(tenant, "alice", "viewer");
        return tenant;
    }

    [TestMethod]
    public async Task Check_ComputedOnOneReplica_ServedFromL2OnTheOther()
    {
        var tenant = await ViewerTenantAsync();

        var onA = await ReadAsync(s_cluster.A, tenant, "alice", "doc-1");
        await s_cluster.WaitForL2Async(tenant);
        var onB = await ReadAsync(s_cluster.B, tenant, "alice", "doc-1");
        var againOnB = await ReadAsync(s_cluster.B, tenant, "alice", "doc-1");

        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.Cerbos), onA);
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.CacheL2), onB);
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.CacheL1), againOnB);
    }

    [TestMethod]
    public async Task DeleteMembership_CachedAllowOnBothReplicas_BothDenyWithinBound()
    {
        var times = new List<TimeSpan>();
        for (var round = 0; round < 10; round++)
        {
            var tenant = await ViewerTenantAsync();
            foreach (var replica in new[] { s_cluster.A, s_cluster.B, s_cluster.A, s_cluster.B })
            {
                Assert.AreEqual(V1.Effect.Allow, (await ReadAsync(replica, tenant, "alice", "doc-1")).Effect);
            }

            await s_cluster.RevokeAsync(tenant, "alice");
            var clock = Stopwatch.StartNew();
            bool deniedA = false, deniedB = false;
            await EventuallyAsync(async () =>
            {
                deniedA = deniedA || (await ReadAsync(s_cluster.A, tenant, "alice", "doc-1")).Effect == V1.Effect.Deny;
                deniedB = deniedB || (await ReadAsync(s_cluster.B, tenant, "alice", "doc-1")).Effect == V1.Effect.Deny;
                return deniedA && deniedB;
            }, "the revoked membership denies on both replicas");
            times.Add(clock.Elapsed);

            // Once denied, never an ALLOW again (nothing computed from the old state resurfaces).
            Assert.AreEqual(V1.Effect.Deny, (await ReadAsync(s_cluster.A, tenant, "alice", "doc-1")).Effect);
            Assert.AreEqual(V1.Effect.Deny, (await ReadAsync(s_cluster.B, tenant, "alice", "doc-1")).Effect);
        }

        times.Sort();
        var report = $"INVALIDATION BOUND: DeleteMembership returned -> both replicas deny: median {times[times.Count / 2].TotalMilliseconds:F1} ms, max {times[^1].TotalMilliseconds:F1} ms over {times.Count} revocations";
        TestContext.WriteLine(report);
        Console.WriteLine(report);
    }

    [TestMethod]
    public async Task Check_HeldAtThePdpAcrossARevocation_LeavesNoAllowBehind()
    {
        var tenant = await ViewerTenantAsync();
        var services = s_cluster.A.Services;
        var held = new HeldDecisionPoint(services.GetRequiredService<CerbosDecisionPoint>());
        var caching = new CachingDecisionPoint(
            held, services.GetRequiredService<ILocalCache>(), services.GetRequiredService<ISharedDecisionCache>(),
            services.GetRequiredService<IOptions<CacheOptions>>(), services.GetRequiredService<CacheMetrics>(), NullLogger<CachingDecisionPoint>.Instance);
        var decisions = new DecisionService(services.GetRequiredService<IPrincipalSource>(), caching, NullLogger<DecisionService>.Instance);
        var command = CheckMapping.ToCommand(CheckRequest(tenant, "alice", "read", "doc-held"));

        // The check reads alice as a viewer and is held at the PDP...
        var inFlight = decisions.CheckAsync(command, TestContext.CancellationToken);
        await held.Arrived.Task.WaitAsync(TestContext.CancellationToken);

        // ...while her membership is revoked and both replicas have seen it...
        await s_cluster.RevokeAsync(tenant, "alice");
        await EventuallyAsync(async () =>
            (await ReadAsync(s_cluster.A, tenant, "alice", "doc-other")).Effect == V1.Effect.Deny
            && (await ReadAsync(s_cluster.B, tenant, "alice", "doc-other")).Effect == V1.Effect.Deny, "revocation seen");

        // ...then it completes with the (old) ALLOW and stores it, in L1 of A and in the shared L2.
        held.Release();
        var stale = await inFlight;
        Assert.AreEqual(Core.Decisions.Effect.Allow, stale.Results[0].Actions["read"]);
        var p = stale.Principal!;
        var heldKey = DecisionCacheKey.For(
            CacheOptions.DefaultKeyPrefix, string.Empty,
            new DecisionStamp(p.TenantId, p.TenantVersion, p.Id, p.PrincipalVersion, p.PolicyEpoch),
            new PdpPrincipal(p.Id, p.Roles, p.Attributes, p.Scope),
            new PdpResource("document", "doc-held", command.Resources[0].Attributes, command.Resources[0].PolicyVersion, p.Scope, ["read"]),
            null);
        await EventuallyAsync(async () => (await s_cluster.L2KeysAsync(tenant)).Contains(heldKey), "the held ALLOW is stored in L2");

        // The stored ALLOW is keyed by the principal version it was computed from: nobody reads it again.
        foreach (var replica in new[] { s_cluster.A, s_cluster.B })
        {
            Assert.AreEqual(V1.Effect.Deny, (await ReadAsync(replica, tenant, "alice", "doc-held")).Effect);
            Assert.AreEqual(V1.Effect.Deny, (await ReadAsync(replica, tenant, "alice", "doc-held")).Effect);
        }
    }

    [TestMethod]
    public async Task Check_SamePrincipalInTwoTenants_EntriesNeverCross()
    {
        var admin = await ViewerTenantAsync();
        var viewer = await ViewerTenantAsync();
        await s_cluster.GrantAsync(admin, "alice", "org_admin");

        static async Task<V1.Effect> Delete(AuthzServiceInstance on, string tenant) =>
            (await CheckAsync(on, CheckRequest(tenant, "alice", "delete", "doc-1"))).Results[0].Actions["delete"];

        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual(V1.Effect.Allow, await Delete(s_cluster.A, admin));
            Assert.AreEqual(V1.Effect.Deny, await Delete(s_cluster.A, viewer));
            Assert.AreEqual(V1.Effect.Deny, await Delete(s_cluster.B, viewer));
        }

        // Even an admin tenant's ALLOW copied under the viewer tenant's key is refused (values are signed for their
        // key name, and carry their stamp).
        var adminKey = (await s_cluster.WaitForL2Async(admin)).Single();
        var viewerKey = (await s_cluster.WaitForL2Async(viewer)).Single();
        using (var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration))
        {
            await redis.SetValueAsync(viewerKey, (await redis.GetValueAsync(adminKey))!);
        }

        await using var fresh = await StartThirdReplicaAsync();
        await WaitForL2ConnectedAsync(fresh);
        var planted = await CheckAsync(fresh, CheckRequest(viewer, "alice", "delete", "doc-1"));

        Assert.AreEqual(V1.Effect.Deny, planted.Results[0].Actions["delete"]);
        Assert.AreEqual(V1.DecisionSource.Cerbos, planted.Results[0].Meta.Source);
        Assert.IsTrue(fresh.Logs.Lines.Any(l => l.EventId == 6150 && l.Message.Contains(viewer, StringComparison.Ordinal) && l.Message.Contains("bad_signature", StringComparison.Ordinal)), fresh.Logs.Text);
    }

    [TestMethod]
    public async Task Check_CorruptL2Value_IsAMiss()
    {
        var tenant = await ViewerTenantAsync();
        await ReadAsync(s_cluster.A, tenant, "alice", "doc-1");
        var key = (await s_cluster.WaitForL2Async(tenant)).Single();
        using (var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration))
        {
            await redis.SetValueAsync(key, "cd1|{\"Key\":\"truncated"u8.ToArray());
        }

        using var rejected = new L2RejectionCounter(s_cluster.B);
        var onB = await ReadAsync(s_cluster.B, tenant, "alice", "doc-1");

        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.Cerbos), onB);
        Assert.AreEqual(1, rejected["unsigned"], rejected.ToString());
    }

    [TestMethod]
    public async Task Check_WithTokenOfAWriteOnTheOtherReplica_ReflectsThatWrite()
    {
        var tenant = await ViewerTenantAsync();
        Assert.AreEqual(V1.Effect.Allow, (await ReadAsync(s_cluster.B, tenant, "alice", "doc-1")).Effect);

        var revoked = await s_cluster.RevokeAsync(tenant, "alice");
        var onB = await ReadAsync(s_cluster.B, tenant, "alice", "doc-1", new Consistency { AtLeastAsFresh = revoked.ConsistencyToken });

        Assert.AreEqual(V1.Effect.Deny, onB.Effect, "read-your-writes: no waiting for the notification");
    }

    [TestMethod]
    public async Task Check_FullyConsistent_AsksCerbosAndStillStores()
    {
        var tenant = await ViewerTenantAsync();
        await ReadAsync(s_cluster.A, tenant, "alice", "doc-1");

        var fresh = await ReadAsync(s_cluster.A, tenant, "alice", "doc-1", new Consistency { FullyConsistent = true });
        var next = await ReadAsync(s_cluster.A, tenant, "alice", "doc-1");

        Assert.AreEqual(V1.DecisionSource.Cerbos, fresh.Source);
        Assert.AreEqual(V1.DecisionSource.CacheL1, next.Source);
    }

    private async Task<AuthzServiceInstance> StartThirdReplicaAsync() =>
        await AuthzServiceInstance.StartAsync(
            s_cluster.Database, await Cerbos.CerbosServerFixture.GetSharedAsync(),
            new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = s_cluster.RedisConfiguration },
            TestContext.CancellationToken);
}
