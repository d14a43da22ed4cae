using System.Net;
using System.Text.Json;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary><c>POST /access/v1/evaluations</c>: defaults and overrides, the three semantics, per-item errors.</summary>
public sealed partial class AuthZenEndToEndTests
{
    // alice: org_admin of acme (everything), viewer of globex (read only); erin: member of acme without roles.
    private static string Item(string action, string tenant = "acme", string? principal = null)
    {
        var resource = new { type = "project", id = "p-" + action, properties = new { tenant_id = tenant, owner_id = "x" } };
        return principal is null
            ? JsonSerializer.Serialize(new { action = new { name = action }, resource })
            : JsonSerializer.Serialize(new { subject = new { type = "user", id = principal, properties = new { tenant_id = tenant } }, action = new { name = action }, resource });
    }

    private static string Evaluations(string? semantic, params string[] items) =>
        "{\"subject\":{\"type\":\"user\",\"id\":\"erin\",\"properties\":{\"tenant_id\":\"acme\"}},"
        + (semantic is null ? string.Empty : "\"options\":{\"evaluations_semantic\":\"" + semantic + "\"},")
        + "\"evaluations\":[" + string.Join(",", items) + "]}";

    private static bool[] Decisions(AuthZenResponse response) =>
        [.. response.Json.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean())];

    [TestMethod]
    [DataRow(null)]
    [DataRow("execute_all")]
    public async Task Evaluations_ExecuteAll_EveryResultInRequestOrder(string? semantic)
    {
        // erin (no roles) is the default subject; alice overrides it in the items that name her.
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(
            semantic, Item("read", principal: "alice"), Item("delete"), Item("delete", principal: "alice"), Item("delete", "globex", "alice"), Item("read", "globex", "alice")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { true, false, true, false, true }, Decisions(response), response.Body);
        Assert.IsFalse(response.Json.TryGetProperty("decision", out _), "no top-level decision beside evaluations");
    }

    [TestMethod]
    public async Task Evaluations_FailingItem_DecisionFalseWithContextErrorOthersDecided()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(
            null, Item("read", principal: "alice"), """{"action":{"name":"read"},"resource":{"id":"no-type"}}""", "42", Item("read", "no-such-tenant", "alice"), Item("delete", principal: "alice")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var items = response.Json.GetProperty("evaluations").EnumerateArray().ToArray();
        Assert.AreEqual(5, items.Length, response.Body);
        Assert.IsTrue(items[0].GetProperty("decision").GetBoolean());
        Assert.IsFalse(items[1].GetProperty("decision").GetBoolean());
        Assert.AreEqual(400, items[1].GetProperty("context").GetProperty("error").GetProperty("status").GetInt32());
        StringAssert.StartsWith(items[1].GetProperty("context").GetProperty("error").GetProperty("message").GetString(), "resource.type: is required");
        Assert.IsFalse(items[2].GetProperty("decision").GetBoolean());
        StringAssert.StartsWith(items[2].GetProperty("context").GetProperty("error").GetProperty("message").GetString(), "evaluation: must be a JSON object");
        Assert.IsFalse(items[3].GetProperty("decision").GetBoolean());
        Assert.AreEqual("tenant_unknown", items[3].GetProperty("context").GetProperty("reason").GetString());
        Assert.IsTrue(items[4].GetProperty("decision").GetBoolean());
    }

    [TestMethod]
    public async Task Evaluations_DenyOnFirstDeny_StopsAfterTheFirstDeny()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(
            "deny_on_first_deny", Item("read", principal: "alice"), Item("delete"), Item("read", principal: "alice")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { true, false }, Decisions(response), response.Body);
    }

    [TestMethod]
    public async Task Evaluations_DenyOnFirstDeny_AnErrorCountsAsADeny()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(
            "deny_on_first_deny", Item("read", principal: "alice"), """{"resource":{"type":"project"}}""", Item("read", principal: "alice")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { true, false }, Decisions(response), response.Body);
        Assert.AreEqual(400, response.Json.GetProperty("evaluations")[1].GetProperty("context").GetProperty("error").GetProperty("status").GetInt32());
    }

    [TestMethod]
    public async Task Evaluations_PermitOnFirstPermit_StopsAfterTheFirstPermit()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(
            "permit_on_first_permit", Item("delete"), Item("read", principal: "alice"), Item("delete", principal: "alice")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { false, true }, Decisions(response), response.Body);
    }

    [TestMethod]
    public async Task Evaluations_PermitOnFirstPermit_NonePermitted_AllDenied()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations("permit_on_first_permit", Item("delete"), Item("update")));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { false, false }, Decisions(response), response.Body);
    }

    [TestMethod]
    [DataRow("""{"options":{"evaluations_semantic":"first_wins"},"evaluations":[{}]}""", "options.evaluations_semantic: must be one of")]
    [DataRow("""{"options":{"evaluations_semantic":1},"evaluations":[{}]}""", "options.evaluations_semantic: must be one of")]
    [DataRow("""{"options":[],"evaluations":[{}]}""", "options: must be a JSON object")]
    [DataRow("""{"evaluations":{}}""", "evaluations: must be an array")]
    [DataRow("""{"evaluations":[]}""", "subject: is required")]
    public async Task Evaluations_BadPayload_400NamingTheField(string json, string expected)
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.StartsWith(response.Body, expected);
    }

    [TestMethod]
    public async Task Evaluations_TooManyItems_400NamingEvaluations()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluations(null, [.. Enumerable.Repeat(Item("read"), 51)]));

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.StartsWith(response.Body, "evaluations: must have at most 50");
    }

    [TestMethod]
    public async Task Evaluations_WithoutItems_AnswersAsASingleEvaluation()
    {
        var response = await s_http.PostAsync("/access/v1/evaluations", Evaluation("acme", "alice", "read"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.IsTrue(response.Decision);
    }

    [TestMethod]
    public async Task Evaluations_TenantPathAndSameResourceTwice_DecidesEach()
    {
        var json = """
            {"subject":{"type":"user","id":"alice"},"resource":{"type":"project","id":"same","properties":{"tenant_id":"globex","owner_id":"x"}},
             "evaluations":[{"action":{"name":"read"}},{"action":{"name":"delete"}},{"action":{"name":"read"}}]}
            """;

        var response = await s_http.PostAsync("/tenants/globex/access/v1/evaluations", json, requestId: "many-1");

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual("many-1", response.RequestId);
        CollectionAssert.AreEqual(new[] { true, false, true }, Decisions(response), response.Body);
    }

    [TestMethod]
    public async Task WellKnown_Unscoped_PdpIsTheFetchedOriginAndEveryServedEndpoint()
    {
        var response = await s_http.FetchAsync("/.well-known/authzen-configuration");

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual("application/json", response.ContentType);
        var origin = s_service.HttpAddress!.ToString().TrimEnd('/');
        var metadata = response.Json;
        Assert.AreEqual(origin, metadata.GetProperty("policy_decision_point").GetString());
        Assert.AreEqual(origin + "/access/v1/evaluation", metadata.GetProperty("access_evaluation_endpoint").GetString());
        Assert.AreEqual(origin + "/access/v1/evaluations", metadata.GetProperty("access_evaluations_endpoint").GetString());
        Assert.AreEqual(origin + "/access/v1/search/subject", metadata.GetProperty("search_subject_endpoint").GetString());
        Assert.AreEqual(origin + "/access/v1/search/action", metadata.GetProperty("search_action_endpoint").GetString());
        Assert.IsFalse(metadata.TryGetProperty("search_resource_endpoint", out _), "resource search is not served, so not advertised");

        // Every advertised endpoint answers.
        var decided = await s_http.PostAsync(new Uri(metadata.GetProperty("access_evaluation_endpoint").GetString()!).AbsolutePath, Evaluation("acme", "alice", "read"));
        Assert.AreEqual(HttpStatusCode.OK, decided.Status, decided.ToString());
    }

    [TestMethod]
    [DataRow("/.well-known/authzen-configuration/globex", "/globex")]
    [DataRow("/.well-known/authzen-configuration/tenants/globex", "/tenants/globex")]
    public async Task WellKnown_Tenant_PdpIsTheIdentifierTheUrlWasDerivedFrom(string path, string pdpPath)
    {
        var response = await s_http.FetchAsync(path);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var origin = s_service.HttpAddress!.ToString().TrimEnd('/');
        var metadata = response.Json;
        Assert.AreEqual(origin + pdpPath, metadata.GetProperty("policy_decision_point").GetString());
        var evaluations = metadata.GetProperty("access_evaluations_endpoint").GetString()!;
        Assert.AreEqual(origin + "/tenants/globex/access/v1/evaluations", evaluations);
        Assert.AreEqual(origin + "/tenants/globex/access/v1/search/action", metadata.GetProperty("search_action_endpoint").GetString());
        Assert.IsFalse(metadata.TryGetProperty("search_resource_endpoint", out _));
        var decided = await s_http.PostAsync(new Uri(evaluations).AbsolutePath, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"project","id":"p","properties":{"tenant_id":"globex","owner_id":"x"}}}]}""");
        Assert.AreEqual(HttpStatusCode.OK, decided.Status, decided.ToString());
        CollectionAssert.AreEqual(new[] { true }, Decisions(decided));
    }

    [TestMethod]
    public async Task Curl_WellKnown_Answers()
    {
        var (status, body, _) = await AuthZenHttp.CurlAsync(new Uri(s_service.HttpAddress!, "/.well-known/authzen-configuration"), null);

        Assert.AreEqual(200, status, body);
        StringAssert.StartsWith(JsonDocument.Parse(body).RootElement.GetProperty("access_evaluation_endpoint").GetString(), "http://127.0.0.1:");
    }
}
