using System.Security.Cryptography;
using AuthzService.Api.Mapping;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Caching;
using AuthzService.IntegrationTests.Service;
using Microsoft.Extensions.Options;
using static AuthzService.IntegrationTests.Cache.CacheCluster;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// L2 values are authenticated (issue 11, point 5): whoever can write to the shared Redis must not be able to
/// plant or move an answer. Real Redis, PostgreSQL and Cerbos; two replicas sharing them (both with the test
/// fixture's signing key), and extra replicas with other keys for rotation.
/// </summary>
[TestClass]
public sealed class CacheSigningTests
{
    private static CacheCluster s_cluster = null!;
    private static int s_tenants;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_cluster = await CacheCluster.StartAsync("cache_signing", context.CancellationToken);

    [ClassCleanup]
    public static async Task StopAsync() => await s_cluster.DisposeAsync();

    [TestMethod]
    public async Task Check_ForgedUnsignedAllowUnderTheServiceKey_IsAMissAndCerbosDenies()
    {
        var tenant = await ViewerTenantAsync();
        var request = CheckRequest(tenant, "alice", "delete", "doc-forged");
        var (key, stamp) = await ServiceKeyAsync(s_cluster.B, request);
        using var rejected = new L2RejectionCounter(s_cluster.B);

        // What an attacker with write access to Redis plants: a well-formed ALLOW under the computed key.
        await WriteL2Async(key, CachedDecisionSerializer.Serialize(ForgedAllow(key, stamp, "doc-forged", "delete")));

        var result = (await CheckAsync(s_cluster.B, request)).Results[0];

        Assert.AreEqual(V1.Effect.Deny, result.Actions["delete"], "a planted ALLOW must never be served");
        Assert.AreEqual(V1.DecisionSource.Cerbos, result.Meta.Source);
        Assert.AreEqual(1, rejected["unsigned"], rejected.ToString());
    }

    [TestMethod]
    public async Task Check_ForgedAllowSignedWithAnotherKey_IsAMissAndCerbosDenies()
    {
        var tenant = await ViewerTenantAsync();
        var request = CheckRequest(tenant, "alice", "delete", "doc-other-key");
        var (key, stamp) = await ServiceKeyAsync(s_cluster.B, request);
        using var rejected = new L2RejectionCounter(s_cluster.B);
        var attacker = new CacheValueSigner(RandomNumberGenerator.GetBytes(32));

        await WriteL2Async(key, attacker.Sign(key, CachedDecisionSerializer.Serialize(ForgedAllow(key, stamp, "doc-other-key", "delete"))));
        var result = (await CheckAsync(s_cluster.B, request)).Results[0];

        Assert.AreEqual(V1.Effect.Deny, result.Actions["delete"]);
        Assert.AreEqual(V1.DecisionSource.Cerbos, result.Meta.Source);
        Assert.AreEqual(1, rejected["unknown_key"], rejected.ToString());
    }

    [TestMethod]
    public async Task Check_ForgedAllowWithOurKeyIdAndAGuessedMac_IsAMissAndCerbosDenies()
    {
        var tenant = await ViewerTenantAsync();
        var request = CheckRequest(tenant, "alice", "delete", "doc-guessed");

        // On A: the moved-value test counts bad_signature refusals on B, and the two run in parallel.
        var (key, stamp) = await ServiceKeyAsync(s_cluster.A, request);
        using var rejected = new L2RejectionCounter(s_cluster.A);

        // The key id of the deployment's key can be read off any stored value; the MAC cannot be made without the key.
        var genuine = SignerOf(ServiceInstanceOptions.CacheSigningKey).Sign(key, CachedDecisionSerializer.Serialize(ForgedAllow(key, stamp, "doc-guessed", "read")));
        var forged = RandomNumberGenerator.GetBytes(37);
        genuine.AsSpan(0, 5).CopyTo(forged);
        await WriteL2Async(key, [.. forged, .. CachedDecisionSerializer.Serialize(ForgedAllow(key, stamp, "doc-guessed", "delete"))]);
        var result = (await CheckAsync(s_cluster.A, request)).Results[0];

        Assert.AreEqual(V1.Effect.Deny, result.Actions["delete"]);
        Assert.AreEqual(V1.DecisionSource.Cerbos, result.Meta.Source);
        Assert.AreEqual(1, rejected["bad_signature"], rejected.ToString());
    }

    [TestMethod]
    public async Task Check_GenuineAllowMovedUnderAnotherPrincipalsKey_IsAMissAndCerbosDenies()
    {
        var tenant = await ViewerTenantAsync();
        await s_cluster.GrantAsync(tenant, "carol", "org_admin");
        var carols = CheckRequest(tenant, "carol", "delete", "doc-moved");
        var alices = CheckRequest(tenant, "alice", "delete", "doc-moved");
        Assert.AreEqual(V1.Effect.Allow, (await CheckAsync(s_cluster.A, carols)).Results[0].Actions["delete"]);
        var (carolsKey, _) = await ServiceKeyAsync(s_cluster.A, carols);
        var (alicesKey, _) = await ServiceKeyAsync(s_cluster.B, alices);
        using var rejected = new L2RejectionCounter(s_cluster.B);

        // A value the service itself signed, copied under another key: the MAC covers the key name.
        using (var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration))
        {
            byte[]? genuine = null;
            await EventuallyAsync(async () => (genuine = await redis.GetValueAsync(carolsKey)) is not null, "carol's ALLOW in L2");
            await redis.SetValueAsync(alicesKey, genuine!);
        }

        var result = (await CheckAsync(s_cluster.B, alices)).Results[0];

        Assert.AreEqual(V1.Effect.Deny, result.Actions["delete"]);
        Assert.AreEqual(V1.DecisionSource.Cerbos, result.Meta.Source);
        Assert.AreEqual(1, rejected["bad_signature"], rejected.ToString());
    }

    [TestMethod]
    public async Task Check_EntryOfTheOldKey_ServedWhenItIsThePreviousKey_RefusedOnceRetired()
    {
        var tenant = await ViewerTenantAsync();
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var rotated = await StartReplicaAsync(new() { ["Cache:SigningKey"] = newKey, ["Cache:PreviousSigningKey"] = ServiceInstanceOptions.CacheSigningKey });
        await using var retired = await StartReplicaAsync(new() { ["Cache:SigningKey"] = newKey });
        using var rotatedRejected = new L2RejectionCounter(rotated);
        using var retiredRejected = new L2RejectionCounter(retired);
        using var oldRejected = new L2RejectionCounter(s_cluster.A);

        // Written by a replica still on the old key...
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.Cerbos), await ReadAsync(s_cluster.A, tenant, "alice", "doc-rotation"));
        await s_cluster.WaitForL2Async(tenant);

        // ...served by a replica that has it as its previous key, refused by one that no longer has it.
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.CacheL2), await ReadAsync(rotated, tenant, "alice", "doc-rotation"));
        Assert.AreEqual((V1.Effect.Allow, V1.DecisionSource.Cerbos), await ReadAsync(retired, tenant, "alice", "doc-rotation"));
        Assert.AreEqual(0, rotatedRejected.Total, rotatedRejected.ToString());
        Assert.AreEqual(1, retiredRejected["unknown_key"], retiredRejected.ToString());

        // Writes always use the current key: the rotated replica's entry is signed with the new key, which the old replica refuses.
        var request = CheckRequest(tenant, "alice", "read", "doc-after-rotation");
        Assert.AreEqual(V1.DecisionSource.Cerbos, (await CheckAsync(rotated, request)).Results[0].Meta.Source);
        var (key, _) = await ServiceKeyAsync(rotated, request);
        using (var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration))
        {
            byte[]? written = null;
            await EventuallyAsync(async () => (written = await redis.GetValueAsync(key)) is not null, "the rotated replica's entry in L2");
            Assert.AreEqual(SignerOf(newKey).CurrentKeyId, Convert.ToHexStringLower(written!.AsSpan(1, 4)));
        }

        Assert.AreEqual(V1.DecisionSource.Cerbos, (await CheckAsync(s_cluster.A, request)).Results[0].Meta.Source);
        Assert.AreEqual(1, oldRejected["unknown_key"], oldRejected.ToString());

        // Operators see which keys are in use by their ids; the keys themselves are never logged.
        var oldId = SignerOf(ServiceInstanceOptions.CacheSigningKey).CurrentKeyId;
        var newId = SignerOf(newKey).CurrentKeyId;
        Assert.IsTrue(rotated.Logs.Lines.Any(l => l.EventId == 6152 && l.Message.Contains($"key id {newId}; reads accept key ids {newId}, {oldId}", StringComparison.Ordinal)), rotated.Logs.Text);
        foreach (var replica in new[] { rotated, retired, s_cluster.A })
        {
            Assert.IsFalse(replica.Logs.Text.Contains(newKey, StringComparison.Ordinal), "a signing key was logged");
            Assert.IsFalse(replica.Logs.Text.Contains(ServiceInstanceOptions.CacheSigningKey, StringComparison.Ordinal), "a signing key was logged");
        }
    }

    [TestMethod]
    public async Task Check_ManyForgedValues_EachCountedAndLoggedOnce()
    {
        var tenant = await ViewerTenantAsync();
        await using var replica = await StartReplicaAsync([]);
        using var rejected = new L2RejectionCounter(replica);
        const int PerRound = 30;

        // Two rounds of a planted ALLOW under every key of a 30-resource check.
        for (var round = 0; round < 2; round++)
        {
            var documents = Enumerable.Range(0, PerRound).Select(i => $"doc-flood-{round}-{i}").ToArray();
            var request = CheckRequest(tenant, "alice", "delete", documents);
            var stamp = await StampAsync(replica, request);
            for (var i = 0; i < documents.Length; i++)
            {
                var key = await ServiceKeyAsync(replica, request, i);
                await WriteL2Async(key, CachedDecisionSerializer.Serialize(ForgedAllow(key, stamp, documents[i], "delete")));
            }

            var response = await CheckAsync(replica, request);

            Assert.IsTrue(response.Results.All(r => r.Actions["delete"] == V1.Effect.Deny && r.Meta.Source == V1.DecisionSource.Cerbos), response.ToString());
        }

        Assert.AreEqual(2 * PerRound, rejected["unsigned"], rejected.ToString());
        var lines = replica.Logs.Lines.Where(l => l.EventId == 6150).ToList();
        Assert.HasCount(1, lines, "one report, not one line per refused value:\n" + replica.Logs.Text);
        StringAssert.Contains(lines[0].Message, "unsigned");
    }

    [TestMethod]
    [DataRow(null, "is required outside Development when L2")]
    [DataRow("c2hvcnQ=", "must decode to at least 32 bytes (got 5)")]
    [DataRow("not base64!", "is not valid base64")]
    public async Task Start_RedisOutsideDevelopmentWithBadSigningKey_FailsNamingTheKey(string? signingKey, string problem)
    {
        var cerbos = await Cerbos.CerbosServerFixture.GetSharedAsync();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => AuthzServiceInstance.StartAsync(
            s_cluster.Database, cerbos,
            new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = s_cluster.RedisConfiguration, ["Cache:SigningKey"] = signingKey },
            TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "Cache:SigningKey (env Cache__SigningKey): " + problem);
        if (signingKey is not null)
        {
            Assert.IsFalse(ex.Message.Contains(signingKey, StringComparison.Ordinal), "the key is a secret: never quoted");
        }
    }

    /// <summary>A new tenant per test (tests run in parallel on one cluster) with alice as viewer (may read, not delete).</summary>
    private static async Task<string> ViewerTenantAsync()
    {
        var tenant = $"s{Interlocked.Increment(ref s_tenants)}-{Guid.NewGuid():N}"[..20];
        await s_cluster.UpsertTenantAsync(tenant);
        await s_cluster.GrantAsync(tenant, "alice", "viewer");
        return tenant;
    }

    private async Task<AuthzServiceInstance> StartReplicaAsync(Dictionary<string, string?> overrides)
    {
        overrides["ConnectionStrings:Redis"] = s_cluster.RedisConfiguration;
        overrides["Cache:Ttl"] = "00:10:00";
        var replica = await AuthzServiceInstance.StartAsync(
            s_cluster.Database, await Cerbos.CerbosServerFixture.GetSharedAsync(), overrides, TestContext.CancellationToken);
        await WaitForL2ConnectedAsync(replica);
        return replica;
    }

    /// <summary>
    /// The L2 key of the request's first resource, computed the way the service computes it (principal as
    /// <paramref name="replica"/> builds it), and the stamp an entry must carry.
    /// </summary>
    private async Task<(string Key, DecisionStamp Stamp)> ServiceKeyAsync(AuthzServiceInstance replica, V1.CheckResourcesRequest request) =>
        (await ServiceKeyAsync(replica, request, 0), await StampAsync(replica, request));

    private async Task<string> ServiceKeyAsync(AuthzServiceInstance replica, V1.CheckResourcesRequest request, int index)
    {
        var command = CheckMapping.ToCommand(request);
        var p = await PrincipalAsync(replica, command);
        var options = replica.GetRequiredService<IOptions<CacheOptions>>().Value;
        var resource = command.Resources[index];
        return DecisionCacheKey.For(
            options.KeyPrefix, options.PolicyRevision, StampOf(p),
            new PdpPrincipal(p.Id, p.Roles, p.Attributes, p.Scope),
            new PdpResource(resource.Kind, resource.Id, resource.Attributes, resource.PolicyVersion, p.Scope, resource.Actions),
            command.AuxJwt, command.AuxKeySetId);
    }

    private async Task<DecisionStamp> StampAsync(AuthzServiceInstance replica, V1.CheckResourcesRequest request) =>
        StampOf(await PrincipalAsync(replica, CheckMapping.ToCommand(request)));

    private async Task<BuiltPrincipal> PrincipalAsync(AuthzServiceInstance replica, CheckQuery command)
    {
        var built = await replica.GetRequiredService<IPrincipalSource>().GetAsync(command.Principal, Freshness.Default, TestContext.CancellationToken);
        Assert.AreEqual(PrincipalBuildOutcome.Built, built.Outcome);
        return built.Principal!;
    }

    private static DecisionStamp StampOf(BuiltPrincipal p) => new(p.TenantId, p.TenantVersion, p.Id, p.PrincipalVersion, p.PolicyEpoch);

    private static CacheValueSigner SignerOf(string base64Key) => new(Convert.FromBase64String(base64Key));

    private static CachedDecision ForgedAllow(string key, DecisionStamp stamp, string document, string action) => new(
        key, stamp.TenantId, stamp.TenantVersion, stamp.PrincipalId, stamp.PrincipalVersion, stamp.PolicyEpoch, string.Empty,
        DateTimeOffset.UtcNow.AddMinutes(5),
        new ResourceDecision("document", document, new Dictionary<string, Effect> { [action] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], [])
        {
            CallId = "forged",
        });

    private static async Task WriteL2Async(string key, byte[] value)
    {
        using var redis = await TestRedisConnection.ConnectAsync(s_cluster.RedisConfiguration);
        await redis.SetValueAsync(key, value);
    }
}
