using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.Testing;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// aux_data.jwt end to end, against a Cerbos of its own that verifies tokens with a local key set: a token
/// naming another tenant never reaches Cerbos (PERMISSION_DENIED); a valid one for the same tenant does.
/// </summary>
[TestClass]
public sealed class AuxDataJwtEndToEndTests
{
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static TempDirectory s_directory = null!;
    private static CerbosServer s_cerbos = null!;
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_directory = new TempDirectory("authz-jwks-");
        var jwks = Path.Combine(s_directory.Path, "jwks.json");
        await File.WriteAllTextAsync(jwks, Jwks(s_key), context.CancellationToken);
        s_cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions { JwksPath = jwks }, context.CancellationToken);
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_jwt", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, s_cerbos, cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme");
        await s_service.UpsertTenantAsync("globex");
        await s_service.GrantAsync("acme", "alice", "", "org_admin");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_service.DisposeAsync();
        await s_cerbos.DisposeAsync();
        s_directory.Dispose();
        s_key.Dispose();
    }

    [TestMethod]
    [DataRow("tenant_id")]
    [DataRow("tenant")]
    [DataRow("tid")]
    [DataRow("org_id")]
    [DataRow("org")]
    [DataRow("organization_id")]
    public async Task CheckResources_JwtClaimsAnotherTenant_PermissionDenied(string claim)
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["sub"] = "alice", [claim] = "globex" }) };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.IsTrue(s_service.Logs.Lines.Any(l => l.Message.Contains(request.RequestId, StringComparison.Ordinal)), "the attempt is logged");
    }

    [TestMethod]
    public async Task CheckResources_JwtClaimsSameTenantAndAnother_PermissionDenied()
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme", ["org_id"] = "globex" }) };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [TestMethod]
    public async Task PlanResources_JwtClaimsAnotherTenant_PermissionDenied()
    {
        var request = Plan("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "globex" }) };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.PlanAsync(request));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [TestMethod]
    public async Task CheckResources_SignedJwtOfSameTenant_Ok()
    {
        var request = Check("acme", "alice", "document", "read", "delete");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["sub"] = "alice", ["tenant_id"] = "acme", ["org_id"] = "acme" }) };

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task PlanResources_SignedJwtOfSameTenant_Ok()
    {
        var request = Plan("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme" }) };

        var response = await s_service.PlanAsync(request);

        Assert.AreNotEqual(PlanFilter.Types.Kind.AlwaysDenied, response.Filter.Kind);
    }

    [TestMethod]
    public async Task CheckResources_JwtWithoutTenantClaim_Ok()
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["sub"] = "alice" }) };

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_SameTenantJwtThatCerbosCannotVerify_InvalidArgumentNamingField()
    {
        var signed = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme" });
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = signed[..signed.LastIndexOf('.')] + ".AAAA" };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.AreEqual("aux_data.jwt: could not be verified by the policy decision point", ex.Status.Detail);
    }

    [TestMethod]
    public async Task CheckResources_UnreadableJwt_InvalidArgumentNamingField()
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = "not-a-jwt" };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.StartsWith(ex.Status.Detail, "aux_data.jwt: is not a JWT");
    }

    [TestMethod]
    public async Task CheckResources_KeySetIdCerbosKnows_Ok()
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme" }), KeySetId = "test" };

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_KeySetIdCerbosDoesNotKnow_ReachesCerbosAndInvalidArgument()
    {
        // Passed through, not dropped: with the id dropped Cerbos would use its only key set and allow.
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme" }), KeySetId = "no-such-key-set" };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.StartsWith(ex.Status.Detail, "aux_data.jwt: could not be verified by the policy decision point");
    }

    [TestMethod]
    public async Task PlanResources_KeySetIdCerbosDoesNotKnow_InvalidArgument()
    {
        var request = Plan("acme", "alice", "document", "read");
        request.AuxData = new AuxData { Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme" }), KeySetId = "no-such-key-set" };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.PlanAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [TestMethod]
    public async Task CheckResources_SameJwtAnswerCachedUnderKnownKeySet_NotServedForAnotherKeySet()
    {
        // The key set id is part of the decision cache key: an ALLOW verified with key set "test" is no answer for "other".
        var jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme", ["nonce"] = Guid.NewGuid().ToString("N") });
        var known = Check("acme", "alice", "document", "read");
        known.AuxData = new AuxData { Jwt = jwt, KeySetId = "test" };
        var first = await s_service.CheckAsync(known);
        var cached = await s_service.CheckAsync(known);
        var other = known.Clone();
        other.AuxData.KeySetId = "other";

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(other));

        Assert.AreEqual(Effect.Allow, first.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Allow, cached.Results[0].Actions["read"]);
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [TestMethod]
    public async Task CheckResources_KeySetIdWithoutJwt_InvalidArgumentNamingKeySetId()
    {
        var request = Check("acme", "alice", "document", "read");
        request.AuxData = new AuxData { KeySetId = "test" };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.StartsWith(ex.Status.Detail, "aux_data.key_set_id: requires aux_data.jwt");
    }

    [TestMethod]
    public async Task CheckResources_JwtExpiresWhileItsAllowIsCached_NotAnsweredFromCacheAfterExpiry()
    {
        // Issue 11.4: the token is part of the key, and now its expiry bounds the entry's life too.
        var exp = DateTimeOffset.UtcNow.AddSeconds(3);
        var request = Check("acme", "alice", "document", "read");
        request.IncludeMeta = true;
        request.AuxData = new AuxData
        {
            Jwt = SignedJwt(new Dictionary<string, object> { ["tenant_id"] = "acme", ["exp"] = exp.ToUnixTimeSeconds(), ["nonce"] = Guid.NewGuid().ToString("N") }),
        };
        var first = await s_service.CheckAsync(request);
        var cached = await s_service.CheckAsync(request);

        // Time has to pass for a token to expire; nothing else to wait on.
        await Task.Delay(exp.AddSeconds(1.5) - DateTimeOffset.UtcNow);
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request), "an expired token's ALLOW was answered from cache");

        Assert.AreEqual(Effect.Allow, first.Results[0].Actions["read"]);
        Assert.AreEqual(DecisionSource.Cerbos, first.Results[0].Meta.Source);
        Assert.AreEqual(DecisionSource.CacheL1, cached.Results[0].Meta.Source, "a valid token's decision is cached");
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode, "Cerbos judges the expired token");
        Assert.AreEqual("aux_data.jwt: could not be verified by the policy decision point", ex.Status.Detail);
    }

    private static string SignedJwt(Dictionary<string, object> claims)
    {
        claims.TryAdd("exp", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", typ = "JWT", kid = "k1" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = s_key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Jwks(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "EC", crv = "P-256", kid = "k1", alg = "ES256", use = "sig", x = Base64Url(p.Q.X!), y = Base64Url(p.Q.Y!) } },
        });
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
