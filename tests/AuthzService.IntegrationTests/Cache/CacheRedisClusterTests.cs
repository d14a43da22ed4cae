using System.Globalization;
using AuthzService.Api.Mapping;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Caching;
using AuthzService.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static AuthzService.IntegrationTests.Cache.CacheCluster;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// The cache suite's core cases on a Redis Cluster (issue 12, point 5): three local <c>redis-server --cluster-enabled yes</c>
/// primaries (<see cref="RedisClusterServer"/>), two replicas of the service configured with the nodes' addresses and
/// nothing else changed. L2 is shared across the replicas with keys spread over the nodes, every invalidation reaches the
/// other replica, planted values are refused, and the service never scans keys.
/// </summary>
[TestClass]
public sealed class CacheRedisClusterTests
{
    private static CacheCluster s_cluster = null!;
    private static int s_tenants;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_cluster = await CacheCluster.StartOnRedisClusterAsync("cache_redis_cluster", context.CancellationToken);

    [ClassCleanup]
    public static async Task StopAsync() => await s_cluster.DisposeAsync();

    [TestMethod]
    public async Task Check_ManyResourcesComputedOnOneReplica_ServedFromL2OnTheOther_FromSeveralNodes()
    {
        var tenant = await ViewerTenantAsync();
        var documents = Enumerable.Range(0, 12).Select(i => $"doc-{i}").ToArray();

        var onA = await CheckAsync(s_cluster.A, CheckRequest(tenant, "alice", "read", documents));
        var keys = await s_cluster.WaitForL2Async(tenant, documents.Length);
        var onB = await CheckAsync(s_cluster.B, CheckRequest(tenant, "alice", "read", documents));
        var againOnB = await CheckAsync(s_cluster.B, CheckRequest(tenant, "alice", "read", documents));

        Assert.IsTrue(onA.Results.All(r => r.Actions["read"] == V1.Effect.Allow && r.Meta.Source == V1.DecisionSource.Cerbos), onA.ToString());
        Assert.IsTrue(onB.Results.All(r => r.Actions["read"] == V1.Effect.Allow && r.Meta.Source == V1.DecisionSource.CacheL2), onB.ToString());
        Assert.IsTrue(againOnB.Results.All(r => r.Actions["read"] == V1.Effect.Allow && r.Meta.Source == V1.DecisionSource.CacheL1), againOnB.ToString());

        // One request's entries live on more than one node: this really exercised the cluster's slot routing.
        using var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration);
        var nodes = keys.Select(k => redis.Multiplexer.GetDatabase().IdentifyEndpoint(k)?.ToString()).Distinct().ToList();
        Assert.IsGreaterThan(1, nodes.Count, $"all {keys.Count} keys on {string.Join(", ", nodes)}");
        Assert.IsFalse(s_cluster.A.Logs.Lines.Any(l => l.EventId == 1200), "L2 reported down on the cluster:\n" + s_cluster.A.Logs.Text);
        Assert.IsFalse(s_cluster.B.Logs.Lines.Any(l => l.EventId == 1200), "L2 reported down on the cluster:\n" + s_cluster.B.Logs.Text);
    }

    [TestMethod]
    [DataRow("membership", DisplayName = "DeleteMembership")]
    [DataRow("principal", DisplayName = "Invalidate principal")]
    [DataRow("tenant", DisplayName = "Invalidate tenant")]
    public async Task Invalidation_OnOneReplica_CachedAllowInL1AndL2OfBoth_OtherReplicaRecomputes(string scope)
    {
        var tenant = await ViewerTenantAsync();
        await CachedOnBothAsync(tenant);

        switch (scope)
        {
            case "membership":
                await s_cluster.RevokeAsync(tenant, "alice");
                break;
            case "principal":
                await InvalidateAsync(new V1.InvalidateRequest { Principal = new() { TenantId = tenant, PrincipalId = "alice" } });
                break;
            default:
                await InvalidateAsync(new V1.InvalidateRequest { Tenant = new() { TenantId = tenant } });
                break;
        }

        // B took no call: it learns of the change by notification and must not answer from its L1 or the cluster's L2.
        // (A revoked membership denies; an explicit invalidation keeps alice a viewer, so B asks Cerbos again.)
        var expected = scope == "membership" ? V1.Effect.Deny : V1.Effect.Allow;
        var elapsed = await EventuallyAsync(async () =>
        {
            var onB = await ReadAsync(s_cluster.B, tenant, "alice", "doc-1");
            return onB.Effect == expected && (scope == "membership" || onB.Source == V1.DecisionSource.Cerbos);
        }, $"replica B recomputes after {scope} invalidation on A");
        TestContext.WriteLine($"{scope} invalidation seen by the other replica after {elapsed.TotalMilliseconds:F1} ms");
        Assert.AreEqual(expected, (await ReadAsync(s_cluster.A, tenant, "alice", "doc-1")).Effect);
    }

    /// <summary>Every tenant's decisions (not parallel with the others: it makes their L2 expectations miss).</summary>
    [TestMethod]
    [DoNotParallelize]
    public async Task InvalidatePolicies_OnOneReplica_OtherReplicaRecomputes()
    {
        var tenant = await ViewerTenantAsync();
        await CachedOnBothAsync(tenant);

        await InvalidateAsync(new V1.InvalidateRequest { Policies = new() });

        var elapsed = await EventuallyAsync(
            async () => (await ReadAsync(s_cluster.B, tenant, "alice", "doc-1")).Source is V1.DecisionSource.Cerbos,
            "replica B recomputes after the policy epoch bump on A");
        TestContext.WriteLine($"policy epoch bump seen by the other replica after {elapsed.TotalMilliseconds:F1} ms");
    }

    [TestMethod]
    public async Task Check_ForgedOrMovedAllowInTheCluster_IsAMissAndCerbosDenies()
    {
        var tenant = await ViewerTenantAsync();
        await s_cluster.GrantAsync(tenant, "carol", "org_admin");
        var carols = CheckRequest(tenant, "carol", "delete", "doc-moved");
        var alices = CheckRequest(tenant, "alice", "delete", "doc-moved");
        var forged = CheckRequest(tenant, "alice", "delete", "doc-forged");
        Assert.AreEqual(V1.Effect.Allow, (await CheckAsync(s_cluster.A, carols)).Results[0].Actions["delete"]);
        var carolsKey = await ServiceKeyAsync(s_cluster.A, carols);
        var alicesKey = await ServiceKeyAsync(s_cluster.B, alices);
        var forgedKey = await ServiceKeyAsync(s_cluster.B, forged);
        var stamp = await StampAsync(s_cluster.B, forged);
        using var rejected = new L2RejectionCounter(s_cluster.B);

        using (var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration))
        {
            // Carol's genuine ALLOW copied under alice's key (on whichever node owns that slot), and an unsigned ALLOW.
            byte[]? genuine = null;
            await EventuallyAsync(async () => (genuine = await redis.GetValueAsync(carolsKey)) is not null, "carol's ALLOW in L2");
            await redis.SetValueAsync(alicesKey, genuine!);
            await redis.SetValueAsync(forgedKey, CachedDecisionSerializer.Serialize(new CachedDecision(
                forgedKey, stamp.TenantId, stamp.TenantVersion, stamp.PrincipalId, stamp.PrincipalVersion, stamp.PolicyEpoch, string.Empty,
                DateTimeOffset.UtcNow.AddMinutes(5),
                new ResourceDecision("document", "doc-forged", new Dictionary<string, Effect> { ["delete"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], []))));
        }

        var moved = (await CheckAsync(s_cluster.B, alices)).Results[0];
        var planted = (await CheckAsync(s_cluster.B, forged)).Results[0];

        Assert.AreEqual((V1.Effect.Deny, V1.DecisionSource.Cerbos), (moved.Actions["delete"], moved.Meta.Source));
        Assert.AreEqual((V1.Effect.Deny, V1.DecisionSource.Cerbos), (planted.Actions["delete"], planted.Meta.Source));
        Assert.AreEqual(1, rejected["bad_signature"], rejected.ToString());
        Assert.AreEqual(1, rejected["unsigned"], rejected.ToString());
    }

    /// <summary>
    /// No node ever sees a key scan from the service: every KEYS a node counted was sent by this fixture (it counts its
    /// own before sending them, one per primary per look), and no node saw SCAN (the fixture does not use it).
    /// </summary>
    [TestMethod]
    [DoNotParallelize]
    public async Task Service_NeverScansKeys_OnAnyNode()
    {
        var tenant = await ViewerTenantAsync();
        await CachedOnBothAsync(tenant);
        await s_cluster.RevokeAsync(tenant, "alice");
        await EventuallyAsync(async () => (await ReadAsync(s_cluster.B, tenant, "alice", "doc-1")).Effect == V1.Effect.Deny, "revocation seen");

        using var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration);
        var allowed = s_cluster.KeyScansSentPerPrimary;
        var primaries = redis.Multiplexer.GetServers().Where(s => !s.IsReplica).ToList();
        Assert.HasCount(RedisClusterServer.NodeCount, primaries);
        long reads = 0;
        foreach (var server in primaries)
        {
            var stats = (await server.InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            Assert.IsFalse(stats.ContainsKey("cmdstat_scan"), $"SCAN on {server.EndPoint}: {stats.GetValueOrDefault("cmdstat_scan")}");
            var keys = stats.TryGetValue("cmdstat_keys", out var k) ? Calls(k) : 0;
            Assert.IsLessThanOrEqualTo(allowed, keys, $"{keys} KEYS on {server.EndPoint}, the fixture sent {allowed}");
            reads += stats.TryGetValue("cmdstat_hmget", out var h) ? Calls(h) : 0;
        }

        Assert.IsGreaterThan(0, reads, "the replicas read no L2 entry: the check above saw nothing");
    }

    private static long Calls(string stat) =>
        long.Parse(stat.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);

    /// <summary>A new tenant per test (tests run in parallel on one cluster) with alice as viewer (may read, not delete).</summary>
    private static async Task<string> ViewerTenantAsync()
    {
        var tenant = $"c{Interlocked.Increment(ref s_tenants)}-{Guid.NewGuid():N}"[..20];
        await s_cluster.UpsertTenantAsync(tenant);
        await s_cluster.GrantAsync(tenant, "alice", "viewer");
        return tenant;
    }

    /// <summary>alice's read of doc-1 computed on A, served to B from L2, then from B's L1.</summary>
    private static async Task CachedOnBothAsync(string tenant)
    {
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.Cerbos), await ReadAsync(s_cluster.A, tenant, "alice", "doc-1"));
        await s_cluster.WaitForL2Async(tenant);
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.CacheL2), await ReadAsync(s_cluster.B, tenant, "alice", "doc-1"));
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.CacheL1), await ReadAsync(s_cluster.B, tenant, "alice", "doc-1"));
    }

    private static Task<V1.InvalidateResponse> InvalidateAsync(V1.InvalidateRequest request) =>
        Call(s_cluster.A, CacheServiceName, "Invalidate", request, V1.InvalidateResponse.Parser);

    private async Task<string> ServiceKeyAsync(Service.AuthzServiceInstance replica, V1.CheckResourcesRequest request)
    {
        var command = CheckMapping.ToCommand(request);
        var p = await PrincipalAsync(replica, command);
        var options = replica.GetRequiredService<IOptions<CacheOptions>>().Value;
        var resource = command.Resources[0];
        return DecisionCacheKey.For(
            options.KeyPrefix, options.PolicyRevision, StampOf(p),
            new PdpPrincipal(p.Id, p.Roles, p.Attributes, p.Scope),
            new PdpResource(resource.Kind, resource.Id, resource.Attributes, resource.PolicyVersion, p.Scope, resource.Actions),
            command.AuxJwt, command.AuxKeySetId);
    }

    private async Task<DecisionStamp> StampAsync(Service.AuthzServiceInstance replica, V1.CheckResourcesRequest request) =>
        StampOf(await PrincipalAsync(replica, CheckMapping.ToCommand(request)));

    private async Task<BuiltPrincipal> PrincipalAsync(Service.AuthzServiceInstance replica, CheckQuery command)
    {
        var built = await replica.GetRequiredService<IPrincipalSource>().GetAsync(command.Principal, Freshness.Default, TestContext.CancellationToken);
        Assert.AreEqual(PrincipalBuildOutcome.Built, built.Outcome);
        return built.Principal!;
    }

    private static DecisionStamp StampOf(BuiltPrincipal p) => new(p.TenantId, p.TenantVersion, p.Id, p.PrincipalVersion, p.PolicyEpoch);
}
