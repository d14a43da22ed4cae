using System.Security.Cryptography.X509Certificates;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Security;

/// <summary>The real service on TLS with required client certificates, an allow-list and the health-only listener.</summary>
[TestClass]
public sealed class CallerAuthenticationTests
{
    private const string Authorization = "authz.v1.AuthorizationService";
    private const string Membership = "authz.v1.MembershipService";
    private static TlsMaterial s_tls = null!;
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tls = new TlsMaterial();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("security_auth", context.CancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        s_service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, cerbos)
            {
                Tls = s_tls.ServiceTls(s_tls.Client("operator")),
                HealthListener = true,
                Overrides = new Dictionary<string, string?>
                {
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
                    ["Auth:Callers:0:Services:0"] = Membership,
                    ["Auth:Callers:0:Services:1"] = "authz.v1.CacheService",
                    ["Auth:Callers:0:Services:2"] = Authorization,
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("checker").ToString(),
                    ["Auth:Callers:1:Services:0"] = Authorization,
                    ["Auth:Callers:2:Identity"] = "reader.ops.internal",
                    ["Auth:Callers:2:Methods:0"] = Membership + "/GetTenant",
                },
            },
            context.CancellationToken);
        await s_service.CallAsync(Membership, "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
        await s_service.CallAsync(Membership, "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_service.DisposeAsync();
        s_tls.Dispose();
    }

    private static GrpcChannel ChannelWith(X509Certificate2? clientCertificate) =>
        TestChannels.ForAddress(s_service.Address, s_tls.ServerCa.Ca, clientCertificate);

    private static Task<CheckResourcesResponse> CheckAsync(GrpcChannel channel)
    {
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice", RequestId = "auth-test" };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Google.Protobuf.WellKnownTypes.Value.ForString("acme");
        resource.Attr["owner_id"] = Google.Protobuf.WellKnownTypes.Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read" } });
        return channel.CallUnaryAsync($"/{Authorization}/CheckResources", request, CheckResourcesResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));
    }

    private static async Task AssertRefusedAtHandshakeAsync(X509Certificate2? certificate, string reason)
    {
        using var channel = ChannelWith(certificate);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => CheckAsync(channel));

        Assert.AreNotEqual(StatusCode.OK, ex.StatusCode);
        Assert.AreNotEqual(StatusCode.PermissionDenied, ex.StatusCode, "refused by TLS, before any method is looked at");
        await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.authentication_failed") && l["Reason"] == reason);
    }

    [TestMethod]
    public async Task CheckResources_AllowedCallerWithValidCertificate_Succeeds()
    {
        using var checker = s_tls.Client("checker");
        using var channel = ChannelWith(checker);

        var response = await CheckAsync(channel);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
        var audit = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["Caller"] == TlsMaterial.Spiffe("checker").ToString());
        Assert.AreEqual("ALLOW", audit["Effect"]);
    }

    [TestMethod]
    public Task Call_WithoutClientCertificate_RefusedAndAudited() =>
        AssertRefusedAtHandshakeAsync(null, "no_client_certificate");

    [TestMethod]
    public async Task Call_CertificateFromAnotherCa_RefusedAndAudited()
    {
        using var otherCa = new TestCertificates("Impostor CA");
        using var impostor = otherCa.IssueClient("impostor", uris: [TlsMaterial.Spiffe("operator")]);

        await AssertRefusedAtHandshakeAsync(impostor, "untrusted_issuer");
    }

    [TestMethod]
    public async Task Call_ExpiredCertificate_RefusedAndAudited()
    {
        using var expired = s_tls.CallerCa.IssueClient(
            "expired", uris: [TlsMaterial.Spiffe("expired")], notBefore: DateTimeOffset.UtcNow.AddHours(-20), notAfter: DateTimeOffset.UtcNow.AddHours(-1));

        await AssertRefusedAtHandshakeAsync(expired, "certificate_expired_or_not_yet_valid");
    }

    [TestMethod]
    public async Task MembershipCall_CallerAllowedOnlyAuthorizationService_PermissionDeniedAndAudited()
    {
        using var checker = s_tls.Client("checker");
        using var channel = ChannelWith(checker);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            $"/{Membership}/ListTenants", new ListTenantsRequest(), ListTenantsResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10))));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "may not call /authz.v1.MembershipService/ListTenants");
        var audit = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.authorization_failed") && l["Method"] == $"/{Membership}/ListTenants");
        Assert.AreEqual(TlsMaterial.Spiffe("checker").ToString(), audit["Caller"]);
    }

    [TestMethod]
    public async Task MethodLevelRule_DnsIdentity_OnlyThatMethod()
    {
        using var reader = s_tls.CallerCa.IssueClient("reader", dnsNames: ["reader.ops.internal"]);
        using var channel = ChannelWith(reader);
        var options = new CallOptions().WithTimeout(TimeSpan.FromSeconds(10));

        var tenant = await channel.CallUnaryAsync($"/{Membership}/GetTenant", new GetTenantRequest { TenantId = "acme" }, GetTenantResponse.Parser, options);
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            $"/{Membership}/ListTenants", new ListTenantsRequest(), ListTenantsResponse.Parser, options));

        Assert.AreEqual("acme", tenant.Tenant.Id);
        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [TestMethod]
    public async Task Call_CertificateWithoutSanIdentity_Unauthenticated()
    {
        using var anonymous = s_tls.CallerCa.IssueClient("just-a-common-name");
        using var channel = ChannelWith(anonymous);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => CheckAsync(channel));

        Assert.AreEqual(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [TestMethod]
    public async Task HealthListener_ServesHealthOnly()
    {
        var health = await s_service.HealthAsync();
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.HealthChannel!.CallUnaryAsync(
            $"/{Authorization}/CheckResources", new CheckResourcesRequest(), CheckResourcesResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10))));

        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [TestMethod]
    public async Task Health_OnTlsListener_AnyAuthenticatedCaller()
    {
        using var checker = s_tls.Client("checker");
        using var channel = ChannelWith(checker);

        var health = await channel.CallUnaryAsync(
            "/grpc.health.v1.Health/Check", new HealthCheckRequest(), HealthCheckResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(5)));

        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }
}
