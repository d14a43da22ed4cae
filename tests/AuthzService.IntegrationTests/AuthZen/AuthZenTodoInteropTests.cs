using System.Net;
using System.Text.Json;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// The AuthZEN working group's interop "Todo" scenario: its users and roles in our directory (tenant <c>todo</c>),
/// its rules as Cerbos policies, and every published decision vector answered as expected through the real service,
/// unchanged but for the tenant-scoped base path.
/// </summary>
[TestClass]
public sealed class AuthZenTodoInteropTests
{
    private const string Tenant = "todo";
    private static readonly string s_folder = Path.Combine(RepoPaths.Root, "tests", "AuthzService.IntegrationTests", "AuthZen", "Todo");

    // Subject ids as the vectors carry them (Dex ids), with the scenario's e-mail and roles.
    private static readonly (string Id, string Email, string[] Roles)[] s_users =
    [
        ("CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "rick@the-citadel.com", ["admin", "evil_genius"]),
        ("CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "morty@the-citadel.com", ["editor"]),
        ("CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "summer@the-smiths.com", ["editor"]),
        ("CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "beth@the-smiths.com", ["viewer"]),
        ("CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "jerry@the-smiths.com", ["viewer"]),
    ];

    private static CerbosServer s_cerbos = null!;
    private static AuthzServiceInstance s_service = null!;
    private static HttpClient s_http = null!;
    private static JsonElement s_vectors;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_vectors = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(s_folder, "decisions-authorization-api-1_0-02.json"))).RootElement;
        s_cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions { PolicyDirectory = Path.Combine(s_folder, "policies") });
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("authzen_todo", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(new ServiceInstanceOptions(database, s_cerbos) { HttpListener = true }, context.CancellationToken);
        await s_service.UpsertTenantAsync(Tenant);
        foreach (var (id, email, roles) in s_users)
        {
            var membership = Membership(Tenant, id, "", roles);
            membership.Attr["email"] = Value.ForString(email);
            await s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = membership });
        }

        s_http = AuthZenHttp.Client(s_service);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_http.Dispose();
        await s_service.DisposeAsync();
        await s_cerbos.DisposeAsync();
    }

    [TestMethod]
    public async Task Evaluation_EveryPublishedVector_AnsweredAsExpected()
    {
        var vectors = s_vectors.GetProperty("evaluation").EnumerateArray().ToArray();
        Assert.AreEqual(40, vectors.Length, "the published set");
        var wrong = new List<string>();
        foreach (var vector in vectors)
        {
            var request = vector.GetProperty("request").GetRawText();
            var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", request);
            if (response.Status != HttpStatusCode.OK || response.Decision != vector.GetProperty("expected").GetBoolean())
            {
                wrong.Add($"{request} -> {response}");
            }
        }

        Assert.AreEqual(0, wrong.Count, string.Join("\n", wrong));
    }

    [TestMethod]
    public async Task Evaluations_EveryPublishedVector_AnsweredAsExpected()
    {
        var vectors = s_vectors.GetProperty("evaluations").EnumerateArray().ToArray();
        Assert.AreEqual(3, vectors.Length, "the published set");
        foreach (var vector in vectors)
        {
            var request = vector.GetProperty("request").GetRawText();

            var response = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluations", request);

            Assert.AreEqual(HttpStatusCode.OK, response.Status, $"{request} -> {response}");
            var expected = vector.GetProperty("expected").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray();
            var actual = response.Json.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("decision").GetBoolean()).ToArray();
            CollectionAssert.AreEqual(expected, actual, $"{request} -> {response}");
        }
    }

    [TestMethod]
    public async Task ActionSearch_EveryUserAndOwner_ExactlyTheActionsEvaluationAllows()
    {
        string[] declared = ["can_create_todo", "can_delete_todo", "can_read_todos", "can_update_todo"];
        var answers = new Dictionary<string, string[]>();
        foreach (var (id, email, _) in s_users)
        {
            foreach (var owner in new[] { "rick@the-citadel.com", "morty@the-citadel.com" })
            {
                var subject = new { type = "user", id };
                var resource = new { type = "todo", id = "7240d0db-8ff0-41ec-98b2-34a096273b91", properties = new { ownerID = owner } };
                var search = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/search/action", JsonSerializer.Serialize(new { subject, resource }));
                Assert.AreEqual(HttpStatusCode.OK, search.Status, search.ToString());
                var found = search.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray();

                var allowed = new List<string>();
                foreach (var action in declared)
                {
                    var evaluation = await s_http.PostAsync($"/tenants/{Tenant}/access/v1/evaluation", JsonSerializer.Serialize(new { subject, action = new { name = action }, resource }));
                    if (evaluation.Decision)
                    {
                        allowed.Add(action);
                    }
                }

                CollectionAssert.AreEqual(allowed, found, $"{email} on a todo of {owner}: the search answers what evaluations answer");
                answers[$"{email} {owner}"] = found;
            }
        }

        CollectionAssert.AreEqual(declared, answers["morty@the-citadel.com morty@the-citadel.com"], "an editor does everything to their own todo");
        CollectionAssert.AreEqual(new[] { "can_create_todo", "can_read_todos" }, answers["morty@the-citadel.com rick@the-citadel.com"]);
        CollectionAssert.AreEqual(new[] { "can_read_todos" }, answers["beth@the-smiths.com morty@the-citadel.com"]);
    }
}
