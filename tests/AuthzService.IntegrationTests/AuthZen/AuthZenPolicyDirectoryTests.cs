using System.Net;
using System.Text.Json;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// AuthZEN against policies written for these tests (a Cerbos of its own watching a temporary directory, which is also
/// the service's <c>AuthZen:PolicyDirectory</c>): action search where a policy denies everything, where only a
/// wildcard grants, after a policy change, and when no directory is configured; and decision 45, the request's
/// <c>context</c> and <c>action.properties</c> reaching policies as <c>P.attr.context.authzen</c>.
/// </summary>
[TestClass]
public sealed class AuthZenPolicyDirectoryTests
{
    private const string Tenant = "t1";

    private static readonly TempDirectory s_policies = new("authz-authzen-policies-");
    private static CerbosServer s_cerbos = null!;
    private static AuthzServiceInstance s_service = null!;
    private static AuthzServiceInstance s_withoutDirectory = null!;
    private static HttpClient s_http = null!;
    private static HttpClient s_httpWithoutDirectory = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(s_policies.Path, "resource_policies"));
        WritePolicy("vault", """
            # Deny everything: both declared actions, every role.
            - actions: [open, read]
              effect: EFFECT_DENY
              roles: ["*"]
            """);
        WritePolicy("locker", Locker("open"));
        WritePolicy("shelf", $"""
            # An action name CheckResources refuses (129 characters) beside a good one.
            - actions: [put, {new string('x', 129)}]
              effect: EFFECT_ALLOW
              roles: [member]
            """);
        WritePolicy("bin", """
            # Only a wildcard grants: nothing here can be enumerated.
            - actions: ["*"]
              effect: EFFECT_ALLOW
              roles: [member]
            """);
        WritePolicy("gate", """
            - actions: [pass]
              effect: EFFECT_ALLOW
              roles: [member]
              condition:
                match:
                  expr: P.attr.context.authzen.context.channel == "kiosk"
            - actions: [enter]
              effect: EFFECT_ALLOW
              roles: [member]
              condition:
                match:
                  expr: P.attr.context.authzen.action.badge == true
            """);
        s_cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions { PolicyDirectory = s_policies.Path, WatchForChanges = true });
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("authzen_policies", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(new ServiceInstanceOptions(database, s_cerbos) { HttpListener = true }, context.CancellationToken);
        s_withoutDirectory = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, s_cerbos)
            {
                HttpListener = true,
                Overrides = new Dictionary<string, string?> { ["AuthZen:PolicyDirectory"] = null, ["Database:AutoMigrate"] = "false" },
            },
            context.CancellationToken);
        await s_service.UpsertTenantAsync(Tenant);
        await s_service.GrantAsync(Tenant, "m1", "", "member");
        s_http = AuthZenHttp.Client(s_service);
        s_httpWithoutDirectory = AuthZenHttp.Client(s_withoutDirectory);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_http.Dispose();
        s_httpWithoutDirectory.Dispose();
        await s_withoutDirectory.DisposeAsync();
        await s_service.DisposeAsync();
        await s_cerbos.DisposeAsync();
        s_policies.Dispose();
    }

    private static string Locker(params string[] allowed) => $"""
        - actions: [{string.Join(", ", allowed)}]
          effect: EFFECT_ALLOW
          roles: [member]
        - actions: [close]
          effect: EFFECT_DENY
          roles: ["*"]
        """;

    private static void WritePolicy(string kind, string rules) =>
        File.WriteAllText(
            Path.Combine(s_policies.Path, "resource_policies", kind + ".yaml"),
            $"""
            apiVersion: api.cerbos.dev/v1
            resourcePolicy:
              resource: {kind}
              version: default
              rules:
            {string.Join('\n', rules.Split('\n').Select(line => "    " + line))}
            """);

    private static string Search(string kind, string? id = null) =>
        JsonSerializer.Serialize(new { subject = new { type = "user", id = "m1" }, resource = new { type = kind, id = id ?? kind + "-1" } });

    private static string Evaluate(string action, string kind, object? context = null, object? actionProperties = null) =>
        JsonSerializer.Serialize(new
        {
            subject = new { type = "user", id = "m1" },
            action = new { name = action, properties = actionProperties },
            resource = new { type = kind, id = kind + "-1" },
            context,
        });

    private static string[] Names(AuthZenResponse response) =>
        [.. response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];

    private static string? Reason(AuthZenResponse response) =>
        response.Json.TryGetProperty("context", out var context) ? context.GetProperty("reason").GetString() : null;

    [TestMethod]
    public async Task ActionSearch_PolicyDeniesEverything_NoActions()
    {
        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("vault"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(0, Names(response).Length, response.Body);
        Assert.IsNull(Reason(response), "the declared actions were asked, and denied: " + response.Body);
    }

    [TestMethod]
    public async Task ActionSearch_AllowedAndDeniedActions_OnlyTheAllowed()
    {
        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("locker"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { "open" }, Names(response), response.Body);
    }

    [TestMethod]
    public async Task ActionSearch_DeclaredActionNameOurApiRefuses_LeftOutNotAFailure()
    {
        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("shelf"));

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { "put" }, Names(response), response.Body);
    }

    [TestMethod]
    public async Task ActionSearch_OnlyAWildcardGrants_NothingToEnumerate()
    {
        var search = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("bin"));
        var evaluation = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("empty", "bin"));

        Assert.AreEqual(HttpStatusCode.OK, search.Status, search.ToString());
        Assert.AreEqual(0, Names(search).Length, search.Body);
        Assert.AreEqual("no_declared_actions", Reason(search));
        Assert.IsTrue(evaluation.Decision, "the wildcard does grant any named action: " + evaluation);
    }

    [TestMethod]
    public async Task ActionSearch_PolicyChanged_NewActionFoundWithoutARestart()
    {
        // A new resource each time: the service here has no policy watch, so a decision cached before Cerbos reloaded
        // stays until its TTL (docs/cache.md); what is tested is that the candidates follow the files.
        AuthZenResponse? last = null;
        async Task<bool> Finds(params string[] expected)
        {
            last = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("locker", "locker-" + Guid.NewGuid().ToString("N")[..8]));
            return last.Status == HttpStatusCode.OK && Names(last).SequenceEqual(expected);
        }

        WritePolicy("locker", Locker("open", "lock"));
        try
        {
            await Eventually.TrueAsync(
                () => Finds("lock", "open"), "action search finds the action added to the locker policy", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        }
        catch (AssertFailedException)
        {
            var evaluation = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("lock", "locker"));
            Assert.Fail($"after the change: search {last}; evaluation of lock {evaluation}");
        }
        finally
        {
            WritePolicy("locker", Locker("open"));
        }

        await Eventually.TrueAsync(() => Finds("open"), "action search drops the action removed again", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }

    [TestMethod]
    public async Task ActionSearch_NoPolicyDirectory_NotAdvertisedAnd404()
    {
        var metadata = await s_httpWithoutDirectory.FetchAsync("/.well-known/authzen-configuration");
        var search = await s_httpWithoutDirectory.PostAsync($"/tenants/{Tenant}/access/v1/search/action", Search("locker"));

        Assert.AreEqual(HttpStatusCode.OK, metadata.Status, metadata.ToString());
        Assert.IsFalse(metadata.Json.TryGetProperty("search_action_endpoint", out _), metadata.Body);
        Assert.AreEqual(HttpStatusCode.NotFound, search.Status, search.ToString());
        StringAssert.Contains(search.Body, "search_action_endpoint");
    }

    [TestMethod]
    public async Task Context_ReachesPoliciesAsPAttrContextAuthzenContext()
    {
        var kiosk = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("pass", "gate", context: new { channel = "kiosk" }));
        var web = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("pass", "gate", context: new { channel = "web" }));
        var none = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("pass", "gate"));

        Assert.IsTrue(kiosk.Decision, kiosk.ToString());
        Assert.IsFalse(web.Decision, web.ToString());
        Assert.IsFalse(none.Decision, none.ToString());
    }

    [TestMethod]
    public async Task ActionProperties_ReachPoliciesAsPAttrContextAuthzenAction()
    {
        var badge = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("enter", "gate", actionProperties: new { badge = true }));
        var noBadge = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("enter", "gate", actionProperties: new { badge = false }));
        var none = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", Evaluate("enter", "gate"));

        Assert.IsTrue(badge.Decision, badge.ToString());
        Assert.IsFalse(noBadge.Decision, noBadge.ToString());
        Assert.IsFalse(none.Decision, none.ToString());
    }

    [TestMethod]
    public async Task Evaluations_ItemsDifferingOnlyInContext_DecidedApart()
    {
        var json = """
            {"subject":{"type":"user","id":"m1"},"action":{"name":"pass"},"resource":{"type":"gate","id":"g"},
             "evaluations":[{"context":{"channel":"kiosk"}},{"context":{"channel":"web"}},{"action":{"name":"enter","properties":{"badge":true}}},{}]}
            """;

        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluations", json);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var decisions = response.Json.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray();
        CollectionAssert.AreEqual(new[] { true, false, true, false }, decisions, response.Body);
    }

    [TestMethod]
    public async Task ActionSearch_Context_DecidesTheCandidates()
    {
        var json = JsonSerializer.Serialize(new
        {
            subject = new { type = "user", id = "m1" },
            resource = new { type = "gate", id = "g" },
            context = new { channel = "kiosk" },
        });

        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", json);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        CollectionAssert.AreEqual(new[] { "pass" }, Names(response), response.Body);
    }

    [TestMethod]
    [DataRow("""{"subject":{"type":"user","id":"m1","properties":{"authzen":{"context":{"channel":"kiosk"}}}},"action":{"name":"pass"},"resource":{"type":"gate","id":"g"}}""", "subject.properties.authzen: is reserved")]
    [DataRow("""{"subject":{"type":"user","id":"m1"},"action":{"name":"pass","properties":"badge"},"resource":{"type":"gate","id":"g"}}""", "action.properties: must be a JSON object")]
    [DataRow("""{"subject":{"type":"user","id":"m1"},"action":{"name":"pass"},"resource":{"type":"gate","id":"g"},"context":7}""", "context: must be a JSON object")]
    public async Task Context_BadInput_400NamingTheField(string json, string expected)
    {
        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.Contains(response.Body, expected);
    }

    [TestMethod]
    public async Task Context_OverTheAttributeBound_400NamingContext()
    {
        var json = Evaluate("pass", "gate", context: new { blob = new string('x', 20_000) });

        var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", json);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        StringAssert.Contains(response.Body, "context");
    }
}
