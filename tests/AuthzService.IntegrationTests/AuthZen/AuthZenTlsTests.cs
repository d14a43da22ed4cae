using System.Net;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Security;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// The AuthZEN listener over TLS is judged as gRPC is: the same client certificates and CA, the allow-list entry for
/// <c>authz.v1.AuthorizationService/CheckResources</c> (403 without it), the caller's tenant binding (403 for another
/// tenant, per item inside <c>evaluations</c>), and HTTP/2 and HTTP/1.1 both offered by ALPN.
/// </summary>
[TestClass]
public sealed class AuthZenTlsTests
{
    private const string Authorization = "authz.v1.AuthorizationService";
    private static TlsMaterial s_tls = null!;
    private static AuthzServiceInstance s_service = null!;
    private static HttpClient s_operator = null!;
    private static HttpClient s_acmeApp = null!;
    private static HttpClient s_membershipOnly = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tls = new TlsMaterial();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("authzen_tls", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Tls = s_tls.ServiceTls(s_tls.Client("operator")),
                HttpListener = true,
                Overrides = new Dictionary<string, string?>
                {
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
                    ["Auth:Callers:0:Services:0"] = "authz.v1.MembershipService",
                    ["Auth:Callers:0:Services:1"] = Authorization,
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("acme-app").ToString(),
                    ["Auth:Callers:1:Methods:0"] = Authorization + "/CheckResources",
                    ["Auth:Callers:1:Tenants:0"] = "acme",
                    ["Auth:Callers:2:Identity"] = TlsMaterial.Spiffe("membership-only").ToString(),
                    ["Auth:Callers:2:Services:0"] = "authz.v1.MembershipService",
                },
            },
            context.CancellationToken);
        foreach (var tenant in new[] { "acme", "globex" })
        {
            await s_service.UpsertTenantAsync(tenant);
            await s_service.GrantAsync(tenant, "alice", "", "viewer");
        }

        s_operator = AuthZenHttp.Client(s_service, s_tls.Client("operator"));
        s_acmeApp = AuthZenHttp.Client(s_service, s_tls.Client("acme-app"));
        s_membershipOnly = AuthZenHttp.Client(s_service, s_tls.Client("membership-only"));
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_operator.Dispose();
        s_acmeApp.Dispose();
        s_membershipOnly.Dispose();
        await s_service.DisposeAsync();
        s_tls.Dispose();
    }

    [TestMethod]
    [DataRow("1.1")]
    [DataRow("2.0")]
    public async Task AllowedCaller_EitherHttpVersion_Decides(string version)
    {
        var response = await s_operator.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("globex", "alice", "read"), version: Version.Parse(version));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(Version.Parse(version), response.Version);
        Assert.IsTrue(response.Decision);
    }

    [TestMethod]
    public async Task CallerWithoutCheckResourcesOnTheAllowList_403()
    {
        var response = await s_membershipOnly.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("acme", "alice", "read"), requestId: "denied-1");

        Assert.AreEqual(HttpStatusCode.Forbidden, response.Status, response.ToString());
        StringAssert.Contains(response.Body, "may not call /authz.v1.AuthorizationService/CheckResources");
        Assert.AreEqual("denied-1", response.RequestId);
    }

    [TestMethod]
    public async Task CallerWithoutCheckResources_WellKnown_403()
    {
        var response = await s_membershipOnly.FetchAsync("/.well-known/authzen-configuration");

        Assert.AreEqual(HttpStatusCode.Forbidden, response.Status, response.ToString());
    }

    [TestMethod]
    public async Task TenantBoundCaller_OwnTenantDecided_OtherTenant403()
    {
        var own = await s_acmeApp.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("acme", "alice", "read"));
        var other = await s_acmeApp.PostAsync("/tenants/globex/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("globex", "alice", "read", tenantInSubject: false));

        Assert.AreEqual(HttpStatusCode.OK, own.Status, own.ToString());
        Assert.IsTrue(own.Decision);
        Assert.AreEqual(HttpStatusCode.Forbidden, other.Status, other.ToString());
        StringAssert.Contains(other.Body, "for tenant 'globex'");
    }

    [TestMethod]
    public async Task TenantBoundCaller_Evaluations_OtherTenantItemIsA403Error()
    {
        var json = """
            {"action":{"name":"read"},"evaluations":[
              {"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"resource":{"type":"project","id":"p","properties":{"tenant_id":"acme","owner_id":"x"}}},
              {"subject":{"type":"user","id":"alice","properties":{"tenant_id":"globex"}},"resource":{"type":"project","id":"p","properties":{"tenant_id":"globex","owner_id":"x"}}}]}
            """;

        var response = await s_acmeApp.PostAsync("/access/v1/evaluations", json);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var items = response.Json.GetProperty("evaluations").EnumerateArray().ToArray();
        Assert.IsTrue(items[0].GetProperty("decision").GetBoolean(), response.Body);
        Assert.IsFalse(items[1].GetProperty("decision").GetBoolean(), response.Body);
        Assert.AreEqual(403, items[1].GetProperty("context").GetProperty("error").GetProperty("status").GetInt32());
    }

    [TestMethod]
    public async Task SubjectSearch_CallerWithoutListMemberships_403()
    {
        var json = """{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"project","id":"p","properties":{"tenant_id":"acme","owner_id":"x"}}}""";

        var refused = await s_acmeApp.PostAsync("/tenants/acme/access/v1/search/subject", json);
        var allowed = await s_operator.PostAsync("/tenants/acme/access/v1/search/subject", json);

        Assert.AreEqual(HttpStatusCode.Forbidden, refused.Status, refused.ToString());
        StringAssert.Contains(refused.Body, "ListMemberships");
        Assert.AreEqual(HttpStatusCode.OK, allowed.Status, allowed.ToString());
        CollectionAssert.AreEqual(new[] { "alice" }, allowed.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToArray());
    }

    [TestMethod]
    public async Task NoClientCertificate_Refused()
    {
        using var anonymous = AuthZenHttp.Client(s_service);

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("acme", "alice", "read")));
    }

    [TestMethod]
    public async Task CertificateWithoutIdentity_401WithChallenge()
    {
        using var certificate = s_tls.CallerCa.IssueClient("just-a-common-name");
        using var anonymous = AuthZenHttp.Client(s_service, certificate);

        var response = await anonymous.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("acme", "alice", "read"), requestId: "no-identity");

        Assert.AreEqual(HttpStatusCode.Unauthorized, response.Status, response.ToString());
        Assert.AreEqual("mTLS realm=\"authzen\"", response.WwwAuthenticate, "RFC 9110 11.6.1: a 401 carries a challenge");
        Assert.AreEqual("no-identity", response.RequestId);
        StringAssert.Contains(response.Body, "subject alternative name");
    }

    [TestMethod]
    public async Task Forbidden_NoChallenge()
    {
        var response = await s_membershipOnly.PostAsync("/access/v1/evaluation", AuthZenEndToEndTests.Evaluation("acme", "alice", "read"));

        Assert.AreEqual(HttpStatusCode.Forbidden, response.Status, response.ToString());
        Assert.IsNull(response.WwwAuthenticate, "authenticated, not allowed: nothing to answer with credentials");
    }

    [TestMethod]
    [DataRow("project")]
    [DataRow("no_such_kind")]
    public async Task TenantBoundCaller_ActionSearchOfAnotherTenant_403WhateverTheKind(string kind)
    {
        var own = await s_acmeApp.PostAsync("/tenants/acme/access/v1/search/action", AuthZenEndToEndTests.ActionSearch("acme", "alice", kind));
        var other = await s_acmeApp.PostAsync("/tenants/globex/access/v1/search/action", AuthZenEndToEndTests.ActionSearch("globex", "alice", kind));

        Assert.AreEqual(HttpStatusCode.OK, own.Status, own.ToString());
        CollectionAssert.AreEqual(
            kind == "project" ? new[] { "read" } : Array.Empty<string>(),
            own.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToArray(), own.Body);
        Assert.AreEqual(HttpStatusCode.Forbidden, other.Status, other.ToString());
        StringAssert.Contains(other.Body, "globex");
    }

    [TestMethod]
    public async Task GrpcCallOnTheAuthZenListener_PermissionDenied()
    {
        using var channel = TestChannels.ForAddress(s_service.HttpAddress!, s_tls.ServerCa.Ca, s_tls.Client("operator"));
        var client = new AuthorizationService.AuthorizationServiceClient(channel);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () =>
            await client.CheckResourcesAsync(Check("acme", "alice", "project", "read"), deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode, ex.Status.Detail);
        StringAssert.Contains(ex.Status.Detail, "AuthZEN");
    }
}
