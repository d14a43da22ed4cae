using System.Net;
using System.Text.Json;
using AuthzService.Api.Audit;
using AuthzService.Contracts.V1;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// <c>POST /access/v1/search/action</c> against the repository's policies: the actions the <c>project</c> policy declares
/// (read, create, update, archive, delete) that the subject may do, exactly those CheckResources allows.
/// </summary>
public sealed partial class AuthZenEndToEndTests
{
    private static readonly string[] s_projectActions = ["archive", "create", "delete", "read", "update"];

    internal static string ActionSearch(string tenant, string principal, string kind = "project", string? resourceTenant = null, int? limit = null, string? token = null, bool tenantInSubject = false) =>
        JsonSerializer.Serialize(new
        {
            subject = new { type = "user", id = principal, properties = tenantInSubject ? new Dictionary<string, object> { ["tenant_id"] = tenant } : [] },
            resource = new { type = kind, id = kind + "-1", properties = new { tenant_id = resourceTenant ?? tenant, owner_id = "someone-else" } },
            page = new { limit, token },
        });

    private static string[] Names(AuthZenResponse response) =>
        [.. response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];

    [TestMethod]
    [DataRow("acme", new[] { "archive", "create", "delete", "read", "update" })]
    [DataRow("globex", new[] { "read" })]
    public async Task ActionSearch_ExactlyTheDeclaredActionsCheckResourcesAllows(string tenant, string[] expected)
    {
        var response = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/action", ActionSearch(tenant, "alice"), requestId: "actions-1");

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual("actions-1", response.RequestId);
        CollectionAssert.AreEqual(expected, Names(response), response.Body);
        var page = response.Json.GetProperty("page");
        Assert.AreEqual(string.Empty, page.GetProperty("next_token").GetString());
        Assert.AreEqual(expected.Length, page.GetProperty("count").GetInt32());

        // The independent answer: CheckResources over gRPC, action by action.
        foreach (var action in s_projectActions)
        {
            var grpc = await s_service.CheckAsync(Check(tenant, "alice", "project", action));
            Assert.AreEqual(grpc.Results[0].Actions[action] == Effect.Allow, expected.Contains(action), $"{action}: the same as CheckResources");
        }
    }

    [TestMethod]
    public async Task ActionSearch_EveryCandidateAudited_MethodNamesActionSearch()
    {
        var requestId = Unique("audit-actions");

        var response = await s_http.PostAsync("/tenants/globex/access/v1/search/action", ActionSearch("globex", "alice"), requestId: requestId);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var events = s_service.Logs.Lines.Where(e => e.Category == AuditTrail.Category && e["RequestId"] == requestId).ToList();
        CollectionAssert.AreEquivalent(s_projectActions, events.Select(e => e["Action"]).ToArray(), s_service.Logs.Text);
        Assert.IsTrue(events.All(e => e["Method"] == "AuthZEN POST /access/v1/search/action" && e["PrincipalId"] == "alice"), s_service.Logs.Text);
        CollectionAssert.AreEqual(new[] { "read" }, events.Where(e => e["Effect"] == "ALLOW").Select(e => e["Action"]).ToArray());
    }

    [TestMethod]
    public async Task ActionSearch_TenantInSubjectProperties_AnActionInTheBodyIsIgnored()
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ActionSearch("globex", "alice", tenantInSubject: true))!;
        body["action"] = JsonSerializer.SerializeToElement(new { name = "delete" });

        var response = await s_http.PostAsync("/access/v1/search/action", JsonSerializer.Serialize(body));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { "read" }, Names(response), response.Body);
    }

    [TestMethod]
    public async Task ActionSearch_CrossTenantResource_NoActionsWithReason()
    {
        var response = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", resourceTenant: "globex"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(0, Names(response).Length, response.Body);
        Assert.AreEqual("cross_tenant", response.Json.GetProperty("context").GetProperty("reason").GetString());
    }

    [TestMethod]
    public async Task ActionSearch_UnknownTenant_NoActionsWithReason()
    {
        var response = await s_http.PostAsync("/tenants/no-such-tenant/access/v1/search/action", ActionSearch("no-such-tenant", "alice"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(0, Names(response).Length, response.Body);
        Assert.AreEqual("tenant_unknown", response.Json.GetProperty("context").GetProperty("reason").GetString());
    }

    [TestMethod]
    public async Task ActionSearch_KindNoPolicyDeclares_EmptyResultsWithReason()
    {
        var response = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", kind: "no_such_kind"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(0, Names(response).Length, response.Body);
        Assert.AreEqual("no_declared_actions", response.Json.GetProperty("context").GetProperty("reason").GetString());
    }

    [TestMethod]
    public async Task ActionSearch_LimitTwo_PagesCoverEveryAllowedActionOnce()
    {
        var found = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", limit: 2, token: token));
            Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
            var names = Names(response);
            Assert.IsLessThanOrEqualTo(2, names.Length, response.Body);
            Assert.AreEqual(names.Length, response.Json.GetProperty("page").GetProperty("count").GetInt32());
            Assert.AreEqual(5, response.Json.GetProperty("page").GetProperty("total").GetInt32());
            found.AddRange(names);
            token = response.Json.GetProperty("page").GetProperty("next_token").GetString();
            pages++;
        }
        while (!string.IsNullOrEmpty(token) && pages < 10);

        CollectionAssert.AreEqual(s_projectActions, found, "every allowed action once, in ordinal order");
        Assert.AreEqual(3, pages, "five actions in pages of two");
    }

    [TestMethod]
    public async Task ActionSearch_TokenOfAnotherSearch_400NamingPageToken()
    {
        var first = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", limit: 2));
        var token = first.Json.GetProperty("page").GetProperty("next_token").GetString();
        Assert.IsFalse(string.IsNullOrEmpty(token), first.Body);

        var otherResource = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", kind: "document", limit: 2, token: token));
        var otherTenant = await s_http.PostAsync("/tenants/globex/access/v1/search/action", ActionSearch("globex", "alice", limit: 2, token: token));
        var garbage = await s_http.PostAsync("/tenants/acme/access/v1/search/action", ActionSearch("acme", "alice", limit: 2, token: "not-a-token"));

        foreach (var refused in new[] { otherResource, otherTenant, garbage })
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, refused.Status, refused.ToString());
            StringAssert.StartsWith(refused.Body, "page.token:");
        }
    }

    [TestMethod]
    [DataRow("/tenants/acme", """{"resource":{"type":"project","id":"p"}}""", "subject: is required")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"}}""", "resource: is required")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"id":"p"}}""", "resource.type: is required")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":7,"id":"p"}}""", "resource.type: must be a string")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user"},"resource":{"type":"project","id":"p"}}""", "subject.id: is required")]
    [DataRow("", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"}}""", "subject.properties.tenant_id: is required")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"},"page":{"limit":-1}}""", "page.limit:")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"},"page":{"limit":"2"}}""", "page.limit:")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"},"page":{"token":5}}""", "page.token: must be a string")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"},"context":[]}""", "context: must be a JSON object")]
    [DataRow("/tenants/acme", """{"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"p"}""", "body: is not valid JSON")]
    public async Task ActionSearch_BadInput_400NamingTheField(string prefix, string json, string expected)
    {
        var response = await s_http.PostAsync(prefix + "/access/v1/search/action", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.Contains(response.Body, expected);
    }
}
