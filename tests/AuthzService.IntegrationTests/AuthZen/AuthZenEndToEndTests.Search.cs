using System.Net;
using System.Text.Json;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary><c>POST /access/v1/search/subject</c>: the tenant's members the policy allows, paged by the spec's tokens.</summary>
public sealed partial class AuthZenEndToEndTests
{
    private static async Task<string> SearchTenantAsync()
    {
        // Its own tenant, so the expected member list is exactly what this test wrote. s1 and s2 also have team rows,
        // so in pages of three rows s2's rows straddle the first page boundary.
        var tenant = Unique("search");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "s1", "", "org_admin");
        await s_service.GrantAsync(tenant, "s1", "red", "team_member");
        await s_service.GrantAsync(tenant, "s2", "", "viewer");
        await s_service.GrantAsync(tenant, "s2", "green", "team_member");
        await s_service.GrantAsync(tenant, "s3", "");
        await s_service.GrantAsync(tenant, "s4", "", "viewer");
        await s_service.GrantAsync(tenant, "s5", "blue", "team_member");
        return tenant;
    }

    private static string Search(string tenant, string action, int? limit = null, string? token = null) =>
        JsonSerializer.Serialize(new
        {
            subject = new { type = "user" },
            action = new { name = action },
            resource = new { type = "project", id = "p-1", properties = new { tenant_id = tenant, owner_id = "x" } },
            page = new { limit, token },
        });

    private static string[] Ids(AuthZenResponse response) =>
        [.. response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];

    [TestMethod]
    [DataRow("read", new[] { "s1", "s2", "s4" })]
    [DataRow("delete", new[] { "s1" })]
    public async Task SubjectSearch_OnePage_ExactlyTheAllowedMembers(string action, string[] expected)
    {
        var tenant = await SearchTenantAsync();

        var response = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/subject", Search(tenant, action));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(expected, Ids(response), response.Body);
        Assert.AreEqual("user", response.Json.GetProperty("results")[0].GetProperty("type").GetString());
        Assert.AreEqual(string.Empty, response.Json.GetProperty("page").GetProperty("next_token").GetString());
        Assert.AreEqual(expected.Length, response.Json.GetProperty("page").GetProperty("count").GetInt32());
    }

    [TestMethod]
    public async Task SubjectSearch_LimitThree_PagesCoverEveryAllowedMemberOnce()
    {
        var tenant = await SearchTenantAsync();
        var found = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/subject", Search(tenant, "read", 3, token));
            Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
            var ids = Ids(response);
            Assert.IsLessThanOrEqualTo(3, ids.Length, response.Body);
            found.AddRange(ids);
            token = response.Json.GetProperty("page").GetProperty("next_token").GetString();
            pages++;
        }
        while (!string.IsNullOrEmpty(token) && pages < 20);

        CollectionAssert.AreEqual(new[] { "s1", "s2", "s4" }, found, "every allowed member once, in directory order");
        Assert.AreEqual(3, pages, "seven membership rows in pages of three");
    }

    [TestMethod]
    public async Task SubjectSearch_TokenOfAnotherSearch_400NamingPageToken()
    {
        var tenant = await SearchTenantAsync();
        var first = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/subject", Search(tenant, "read", 2));
        var token = first.Json.GetProperty("page").GetProperty("next_token").GetString();

        var changed = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/subject", Search(tenant, "delete", 2, token));
        var garbage = await s_http.PostAsync($"/tenants/{tenant}/access/v1/search/subject", Search(tenant, "read", 2, "not-a-token"));

        Assert.AreEqual(HttpStatusCode.BadRequest, changed.Status, changed.ToString());
        StringAssert.StartsWith(changed.Body, "page.token:");
        Assert.AreEqual(HttpStatusCode.BadRequest, garbage.Status, garbage.ToString());
        StringAssert.StartsWith(garbage.Body, "page.token:");
    }

    [TestMethod]
    [DataRow("""{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"project","id":"p"},"page":{"limit":51}}""", "page.limit:")]
    [DataRow("""{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"project","id":"p"},"page":{"limit":"2"}}""", "page.limit:")]
    [DataRow("""{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"project","id":"p"},"page":[]}""", "page: must be a JSON object")]
    [DataRow("""{"subject":{"id":"x"},"action":{"name":"read"},"resource":{"type":"project","id":"p"}}""", "subject.type: is required")]
    [DataRow("""{"subject":{"type":"user"},"resource":{"type":"project","id":"p"}}""", "action: is required")]
    public async Task SubjectSearch_BadInput_400NamingTheField(string json, string expected)
    {
        var response = await s_http.PostAsync("/tenants/acme/access/v1/search/subject", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.Contains(response.Body, expected);
    }

    [TestMethod]
    [DataRow("/access/v1/search/resource")]
    [DataRow("/tenants/acme/access/v1/search/resource")]
    public async Task ResourceSearch_NotSupported_404NamingTheMetadataParameter(string path)
    {
        var response = await s_http.PostAsync(path, Evaluation("acme", "alice", "read"), requestId: "resource-search-1");

        Assert.AreEqual(HttpStatusCode.NotFound, response.Status, response.ToString());
        StringAssert.Contains(response.Body, "search_resource_endpoint");
        Assert.AreEqual("resource-search-1", response.RequestId, "answered like any AuthZEN request");
    }
}
