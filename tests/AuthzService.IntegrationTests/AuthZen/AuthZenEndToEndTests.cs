using System.Net;
using System.Text.Json;
using AuthzService.Api.Audit;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;
using Grpc.Net.Client;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// The AuthZEN evaluation API through real Kestrel (plaintext loopback listener), the real service, PostgreSQL and
/// Cerbos: decisions equal CheckResources's, the tenant from the path or subject.properties.tenant_id, bad input
/// refused naming the field, X-Request-ID echoed, and the listener serves nothing else.
/// </summary>
[TestClass]
public sealed partial class AuthZenEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;
    private static HttpClient s_http = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("authzen_e2e", context.CancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        s_service = await AuthzServiceInstance.StartAsync(new ServiceInstanceOptions(database, cerbos) { HttpListener = true }, context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme", tier: "pro");
        await s_service.UpsertTenantAsync("globex", tier: "pro");
        await s_service.GrantAsync("acme", "alice", "", "org_admin");
        await s_service.GrantAsync("globex", "alice", "", "viewer");
        await s_service.GrantAsync("acme", "erin", "");
        s_http = AuthZenHttp.Client(s_service);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_http.Dispose();
        await s_service.DisposeAsync();
    }

    internal static string Evaluation(string tenant, string principal, string action, string kind = "project", string? resourceTenant = null, bool tenantInSubject = true) =>
        JsonSerializer.Serialize(new
        {
            subject = new { type = "user", id = principal, properties = tenantInSubject ? new Dictionary<string, object> { ["tenant_id"] = tenant } : [] },
            action = new { name = action },
            resource = new { type = kind, id = kind + "-1", properties = new { tenant_id = resourceTenant ?? tenant, owner_id = "someone-else" } },
        });

    [TestMethod]
    [DataRow("read", true)]
    [DataRow("delete", true)]
    public async Task Evaluation_TenantInSubjectProperties_DecidesAsCheckResources(string action, bool expected)
    {
        var response = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "alice", action));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual("application/json", response.ContentType);
        Assert.AreEqual(expected, response.Decision, response.ToString());
        var grpc = await s_service.CheckAsync(Check("acme", "alice", "project", action));
        Assert.AreEqual(expected, grpc.Results[0].Actions[action] == Effect.Allow, "the same decision as CheckResources");
    }

    [TestMethod]
    [DataRow("/tenants/globex/access/v1/evaluation")]
    [DataRow("/globex/access/v1/evaluation")]
    public async Task Evaluation_TenantInPath_UsesThatTenantsRoles(string path)
    {
        var read = await s_http.PostAsync(path, Evaluation("globex", "alice", "read", tenantInSubject: false));
        var delete = await s_http.PostAsync(path, Evaluation("globex", "alice", "delete", tenantInSubject: false));

        Assert.AreEqual(HttpStatusCode.OK, read.Status, read.ToString());
        Assert.IsTrue(read.Decision, "viewer reads in globex");
        Assert.AreEqual(HttpStatusCode.OK, delete.Status, delete.ToString());
        Assert.IsFalse(delete.Decision, "viewer in globex: org_admin of acme does not count");
    }

    [TestMethod]
    public async Task Evaluation_CrossTenantResource_DeniedWithReason()
    {
        var response = await s_http.PostAsync("/tenants/acme/access/v1/evaluation", Evaluation("acme", "alice", "read", resourceTenant: "globex", tenantInSubject: false));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.IsFalse(response.Decision, response.ToString());
        Assert.AreEqual("cross_tenant", response.Json.GetProperty("context").GetProperty("reason").GetString());
    }

    [TestMethod]
    public async Task Evaluation_UnknownTenant_DeniedWithReason()
    {
        var response = await s_http.PostAsync("/access/v1/evaluation", Evaluation("no-such-tenant", "alice", "read"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.IsFalse(response.Decision, response.ToString());
        Assert.AreEqual("tenant_unknown", response.Json.GetProperty("context").GetProperty("reason").GetString());
    }

    [TestMethod]
    public async Task Evaluation_PathTenantContradictedBySubject_400NamingTheProperty()
    {
        var response = await s_http.PostAsync("/tenants/globex/access/v1/evaluation", Evaluation("acme", "alice", "read"));

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.StartsWith(response.Body, "subject.properties.tenant_id:");
    }

    [TestMethod]
    [DataRow("""{"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject: is required")]
    [DataRow("""{"subject":"alice","action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject: must be a JSON object")]
    [DataRow("""{"subject":{"id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.type: is required")]
    [DataRow("""{"subject":{"type":"user","id":7,"properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.id: must be a string")]
    [DataRow("""{"subject":{"type":"user","id":"","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.id: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.properties.tenant_id: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":1}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.properties.tenant_id: must be a string")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme","team_id":"a\u0000b"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.properties.team_id: must be at most 128")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":[]},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.properties: must be a JSON object")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"resource":{"type":"project","id":"p"}}""", "action: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{},"resource":{"type":"project","id":"p"}}""", "action.name: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"}}""", "resource: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"id":"p"}}""", "resource.type: is required")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p","properties":"x"}}""", "resource.properties: must be a JSON object")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"},"context":5}""", "context: must be a JSON object")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"},"subject":{}}""", "body: is not valid JSON")]
    [DataRow("""{"subject":""", "body: is not valid JSON")]
    [DataRow("""[1,2]""", "body: must be a JSON object")]
    // Strings with no text (found by fuzzing, tests/AuthzService.Fuzz corpus/authzen-evaluation/crash-*): each was a 500.
    [DataRow("""{"subject":{"type":"user","id":"a\udc00","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.id: is not valid Unicode text")]
    [DataRow("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p","properties":{"x":["\ud800"]}}}""", "resource.properties.x[0]: is not valid Unicode text")]
    [DataRow("""{"\udfff":1,"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "body: has a member name that is not valid Unicode text")]
    public async Task Evaluation_BadInput_400NamingTheField(string json, string expected)
    {
        var response = await s_http.PostAsync("/access/v1/evaluation", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.Contains(response.Body, expected);
        StringAssert.DoesNotMatch(response.Body, new System.Text.RegularExpressions.Regex("\"decision\""));
    }

    [TestMethod]
    public async Task Evaluation_StringNotUtf8_400NamingTheField()
    {
        byte[] body = [.. "{\"subject\":{\"type\":\"user\",\"id\":\"al"u8, 0xD4,
            .. "\",\"properties\":{\"tenant_id\":\"acme\"}},\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"project\",\"id\":\"p\"}}"u8];

        var response = await s_http.PostBytesAsync("/access/v1/evaluation", body);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.StartsWith(response.Body, "subject.id: is not valid Unicode text");
    }

    [TestMethod]
    public async Task Evaluation_PropertiesOfOneMegabyte_400NamingResourceProperties()
    {
        var json = JsonSerializer.Serialize(new
        {
            subject = new { type = "user", id = "alice", properties = new { tenant_id = "acme" } },
            action = new { name = "read" },
            resource = new { type = "project", id = "p", properties = new { blob = new string('x', 1024 * 1024) } },
        });

        var response = await s_http.PostAsync("/access/v1/evaluation", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString()[..Math.Min(300, response.Body.Length)]);
        StringAssert.StartsWith(response.Body, "resource.properties:");
    }

    [TestMethod]
    public async Task Evaluation_BodyOverTheSizeLimit_413()
    {
        var json = JsonSerializer.Serialize(new { subject = new { type = "user", id = "alice", properties = new { tenant_id = "acme", blob = new string('x', 5 * 1024 * 1024) } } });

        var response = await s_http.PostAsync("/access/v1/evaluation", json);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.Status);
        StringAssert.StartsWith(response.Body, "body: must be at most");
    }

    [TestMethod]
    public async Task Evaluation_NotJson_415NamingContentType()
    {
        var response = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "alice", "read"), contentType: "text/plain");

        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, response.Status);
        StringAssert.StartsWith(response.Body, "Content-Type:");
    }

    [TestMethod]
    public async Task Evaluation_RequestId_EchoedOnDecisionsAndErrors()
    {
        var ok = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "alice", "read"), requestId: "bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
        var bad = await s_http.PostAsync("/access/v1/evaluation", "{}", requestId: "req-bad-1");
        var none = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "alice", "read"));

        Assert.AreEqual(HttpStatusCode.OK, ok.Status);
        Assert.AreEqual("bfe9eb29-ab87-4ca3-be83-a1d5d8305716", ok.RequestId);
        Assert.AreEqual(HttpStatusCode.BadRequest, bad.Status);
        Assert.AreEqual("req-bad-1", bad.RequestId);
        Assert.IsNull(none.RequestId);
    }

    [TestMethod]
    public async Task Evaluation_RequestIdTooLong_400NamingTheHeader()
    {
        var response = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "alice", "read"), requestId: new string('r', 200));

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.StartsWith(response.Body, "X-Request-ID:");
    }

    [TestMethod]
    public async Task Evaluation_Decided_AuditNamesTheAuthZenEndpoint()
    {
        var requestId = Unique("audit");

        var response = await s_http.PostAsync("/access/v1/evaluation", Evaluation("acme", "erin", "delete"), requestId: requestId);

        Assert.AreEqual(HttpStatusCode.OK, response.Status);
        Assert.IsFalse(response.Decision);
        var events = s_service.Logs.Lines.Where(e => e.Category == AuditTrail.Category && e["RequestId"] == requestId).ToList();
        Assert.AreEqual(1, events.Count, s_service.Logs.Text);
        Assert.AreEqual("DENY", events[0]["Effect"]);
        Assert.AreEqual("AuthZEN POST /access/v1/evaluation", events[0]["Method"]);
        Assert.AreEqual("erin", events[0]["PrincipalId"]);
    }

    [TestMethod]
    public async Task Curl_EvaluationOverHttp11_Decides()
    {
        var (status, body, headers) = await AuthZenHttp.CurlAsync(
            new Uri(s_service.HttpAddress!, "/tenants/acme/access/v1/evaluation"),
            Evaluation("acme", "alice", "read", tenantInSubject: false),
            "Content-Type: application/json", "X-Request-ID: curl-1");

        Assert.AreEqual(200, status, body);
        Assert.IsTrue(JsonDocument.Parse(body).RootElement.GetProperty("decision").GetBoolean(), body);
        StringAssert.Contains(headers, "X-Request-ID: curl-1");
        StringAssert.StartsWith(headers, "HTTP/1.1 200");
    }

    [TestMethod]
    public async Task GrpcListener_AuthZenPath_NotFound()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = s_service.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation")
        {
            Content = new StringContent(Evaluation("acme", "alice", "read"), System.Text.Encoding.UTF8, "application/json"),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [TestMethod]
    public async Task HttpListener_GrpcCall_Refused()
    {
        // The plaintext AuthZEN listener speaks HTTP/1.1 only, so gRPC cannot even reach a method there.
        using var channel = GrpcChannel.ForAddress(s_service.HttpAddress!);
        var client = new AuthorizationService.AuthorizationServiceClient(channel);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await client.CheckResourcesAsync(Check("acme", "alice", "project", "read"), deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.AreNotEqual(StatusCode.OK, ex.StatusCode);
    }
}
