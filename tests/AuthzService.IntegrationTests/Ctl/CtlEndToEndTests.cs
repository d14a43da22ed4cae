using System.Text.Json;
using AuthzService.IntegrationTests.Client;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Ctl;

/// <summary>authzctl against the real service (seeded like `make run`): output checked, exit codes 0/1/2.</summary>
[TestClass]
public sealed class CtlEndToEndTests
{
    private static readonly string[] DocForBob = ["-r", "document:doc-1", "--attr", "tenant_id=acme", "--attr", "owner_id=bob"];
    private static AuthzServiceInstance s_service = null!;
    private static Dictionary<string, string?> s_environment = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_service = await DemoDirectory.StartSeededServiceAsync("ctl_e2e", context.CancellationToken);
        s_environment = new Dictionary<string, string?> { ["AUTHZ_ADDRESS"] = s_service.Address.ToString(), ["AUTHZ_TIMEOUT"] = "10s" };
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    private static Task<CtlRun> Run(params string[] args) => CtlRun.RunAsync(s_environment, args);

    [TestMethod]
    public async Task Check_AdminInAcme_AllowedTableExit0()
    {
        var run = await Run(["check", "--tenant", "acme", "--principal", "alice", .. DocForBob, "--action", "read", "--action", "delete"]);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        CollectionAssert.AreEqual(
            new[]
            {
                "RESOURCE        ACTION  EFFECT  REASON",
                "document:doc-1  read    ALLOW",
                "document:doc-1  delete  ALLOW",
            },
            run.Lines,
            run.ToString());
    }

    [TestMethod]
    public async Task Check_ViewerDeletes_DeniedJsonExit1()
    {
        var run = await Run(["check", "-t", "acme", "-p", "carol", .. DocForBob, "-a", "read,delete", "-o", "json", "--request-id", "r-1"]);

        Assert.AreEqual(1, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.AreEqual("r-1", root.GetProperty("request_id").GetString());
        Assert.IsFalse(root.GetProperty("allowed").GetBoolean());
        var result = root.GetProperty("results")[0];
        Assert.AreEqual("document", result.GetProperty("kind").GetString());
        Assert.AreEqual("doc-1", result.GetProperty("id").GetString());
        Assert.AreEqual("EFFECT_ALLOW", result.GetProperty("actions").GetProperty("read").GetString());
        Assert.AreEqual("EFFECT_DENY", result.GetProperty("actions").GetProperty("delete").GetString());
        Assert.AreEqual("DENY_REASON_UNSPECIFIED", result.GetProperty("deny_reason").GetString());
    }

    [TestMethod]
    public async Task Check_CrossTenantResource_DeniedWithReason()
    {
        var run = await Run("check", "-t", "acme", "-p", "alice", "-r", "document:doc-9", "--attr", "tenant_id=globex", "-a", "read");

        Assert.AreEqual(1, run.ExitCode, run.ToString());
        CollectionAssert.AreEqual(
            new[] { "RESOURCE        ACTION  EFFECT  REASON", "document:doc-9  read    DENY    cross-tenant resource" }, run.Lines, run.ToString());
    }

    [TestMethod]
    public async Task Check_MfaContextAndJsonAttr_ReachPolicies()
    {
        string[] billing = ["-t", "acme", "-p", "alice", "-r", "billing_account:b-1", "--attr", "tenant_id=acme", "--attr", "owner_id=alice", "-a", "update"];

        var withMfa = await Run(["check", .. billing, "--context", "mfa=true"]);
        var without = await Run(["check", .. billing, "--context", "mfa:=false"]);

        Assert.AreEqual(0, withMfa.ExitCode, withMfa.ToString());
        Assert.AreEqual(1, without.ExitCode, without.ToString());
    }

    [TestMethod]
    public async Task Check_RequestFile_ResourcesWithDifferentAttributes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"authzctl-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            { "tenant_id": "acme", "principal_id": "bob", "resources": [
              { "resource": { "kind": "document", "id": "mine", "attr": { "tenant_id": "acme", "owner_id": "bob" } }, "actions": ["delete"] },
              { "resource": { "kind": "document", "id": "theirs", "attr": { "tenant_id": "acme", "owner_id": "carol" } }, "actions": ["delete"] } ] }
            """);
        try
        {
            var run = await Run("check", "--request", path);

            Assert.AreEqual(1, run.ExitCode, run.ToString());
            CollectionAssert.AreEqual(
                new[] { "RESOURCE         ACTION  EFFECT  REASON", "document:mine    delete  ALLOW", "document:theirs  delete  DENY" }, run.Lines, run.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public async Task Check_ServiceRejectsRequest_Exit2NamingField()
    {
        var tooMany = string.Join(',', Enumerable.Range(0, 51).Select(i => $"a{i}"));

        var run = await Run(["check", "-t", "acme", "-p", "alice", .. DocForBob, "-a", tooMany]);

        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "INVALID_ARGUMENT");
        StringAssert.Contains(run.Error, "resources[0].actions:");
        Assert.AreEqual(string.Empty, run.Out);
    }

    [TestMethod]
    public async Task Explain_TeamLead_ShowsPrincipalScopePoliciesAndSource()
    {
        var run = await Run(["explain", "-t", "acme", "-p", "bob", "--team", "red", .. DocForBob, "-a", "read,delete", "--fresh"]);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Out, "Principal bob in tenant acme, team red");
        StringAssert.Contains(run.Out, "roles:       member, team_lead");
        StringAssert.Contains(run.Out, "scope:       acme");
        StringAssert.Contains(run.Out, "tenant_tier = pro");
        StringAssert.Contains(run.Out, "source:      Cerbos (fresh)");
        StringAssert.Contains(run.Out, "resource.document.vdefault");
        StringAssert.Contains(run.Out, "ACTION");
    }

    [TestMethod]
    public async Task Explain_Json_IsTheResponseWithMeta()
    {
        var run = await Run(["explain", "-t", "acme", "-p", "alice", .. DocForBob, "-a", "read", "-o", "json"]);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var meta = json.RootElement.GetProperty("meta");
        Assert.AreEqual("alice", meta.GetProperty("principal").GetProperty("id").GetString());
        Assert.AreEqual("org_admin", meta.GetProperty("principal").GetProperty("roles")[0].GetString());
        var result = json.RootElement.GetProperty("results")[0];
        StringAssert.StartsWith(result.GetProperty("meta").GetProperty("actions").GetProperty("read").GetProperty("matched_policy").GetString(), "resource.document");
    }

    [TestMethod]
    public async Task Plan_SuspendedTenant_AlwaysDeniedExit1_ActiveTenantExit0()
    {
        var suspended = await Run("plan", "-t", "initech", "-p", "erin", "--kind", "document", "-a", "read", "-o", "json");
        var active = await Run("plan", "-t", "acme", "-p", "alice", "--kind", "document", "-a", "read");

        Assert.AreEqual(1, suspended.ExitCode, suspended.ToString());
        using var json = JsonDocument.Parse(suspended.Out);
        Assert.AreEqual("KIND_ALWAYS_DENIED", json.RootElement.GetProperty("filter").GetProperty("kind").GetString());
        Assert.AreEqual(0, active.ExitCode, active.ToString());
        StringAssert.StartsWith(active.Out, "document [read] for alice in acme: ");
    }

    [TestMethod]
    public async Task TenantsList_TableAndJson()
    {
        var table = await Run("tenants", "list");
        var json = await Run("tenants", "list", "-o", "json");

        Assert.AreEqual(0, table.ExitCode, table.ToString());
        Assert.AreEqual("ID DISPLAY NAME SCOPE STATUS TIER", Squeeze(table.Lines[0]));
        CollectionAssert.IsSubsetOf(
            new[] { "acme Acme Corp acme active pro", "globex Globex Inc active free", "initech Initech LLC suspended enterprise" },
            table.Lines.Select(Squeeze).ToArray(),
            table.ToString());
        using var doc = JsonDocument.Parse(json.Out);
        var acme = doc.RootElement.GetProperty("tenants").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "acme");
        Assert.AreEqual("TENANT_STATUS_ACTIVE", acme.GetProperty("status").GetString());
        Assert.AreEqual("acme", acme.GetProperty("cerbos_scope").GetString());
    }

    [TestMethod]
    public async Task TenantsGet_ExistingTable_MissingExit2()
    {
        var found = await Run("tenants", "get", "globex");
        var missing = await Run("tenants", "get", "no-such-tenant");

        Assert.AreEqual(0, found.ExitCode, found.ToString());
        CollectionAssert.AreEqual(
            new[] { "FIELD         VALUE", "id            globex", "display_name  Globex Inc", "cerbos_scope", "status        active", "tier          free" },
            found.Lines,
            found.ToString());
        Assert.AreEqual(2, missing.ExitCode, missing.ToString());
        StringAssert.Contains(missing.Error, "not found");
    }

    [TestMethod]
    public async Task TenantsUpsertDelete_Lifecycle_KeepsFieldsNotGiven()
    {
        var created = await Run("tenants", "upsert", "ctl-life", "--display-name", "Life", "--tier", "pro");
        var suspended = await Run("tenants", "upsert", "ctl-life", "--status", "suspended", "-o", "json");
        var deleted = await Run("tenants", "delete", "ctl-life");
        var again = await Run("tenants", "delete", "ctl-life", "-o", "json");

        Assert.AreEqual(0, created.ExitCode, created.ToString());
        Assert.AreEqual("tenant ctl-life created", created.Lines[0]);
        using var json = JsonDocument.Parse(suspended.Out);
        Assert.IsFalse(json.RootElement.GetProperty("created").GetBoolean());
        Assert.AreEqual("pro", json.RootElement.GetProperty("tenant").GetProperty("tier").GetString());
        Assert.AreEqual("TENANT_STATUS_SUSPENDED", json.RootElement.GetProperty("tenant").GetProperty("status").GetString());
        Assert.AreEqual("tenant ctl-life deleted", deleted.Out.Trim());
        using var againJson = JsonDocument.Parse(again.Out);
        Assert.IsFalse(againJson.RootElement.GetProperty("deleted").GetBoolean());
    }

    [TestMethod]
    public async Task MembershipsList_Acme_TableMatchesDemoData()
    {
        var run = await Run("memberships", "list", "--tenant", "acme");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        CollectionAssert.AreEqual(
            new[]
            {
                "PRINCIPAL  TEAM           ROLES        ATTRIBUTES",
                "alice      (tenant-wide)  org_admin    department=it",
                "bob        (tenant-wide)  member",
                "bob        red            team_lead",
                "carol      (tenant-wide)  viewer",
                "carol      blue           team_member",
            },
            run.Lines,
            run.ToString());
    }

    [TestMethod]
    public async Task MembershipsUpsertDelete_ChangesWhatCheckSees()
    {
        await Run("tenants", "upsert", "ctl-mem", "--tier", "free");
        string[] check = ["check", "-t", "ctl-mem", "-p", "frank", "-r", "project:p-1", "--attr", "tenant_id=ctl-mem", "--attr", "owner_id=x", "-a", "read"];

        var before = await Run(check);
        var upsert = await Run("memberships", "upsert", "-t", "ctl-mem", "-p", "frank", "--role", "viewer", "--attr", "level:=3");
        var listed = await Run("memberships", "list", "-t", "ctl-mem", "-p", "frank", "-o", "json");
        var after = await Run([.. check, "--fresh"]);
        var delete = await Run("memberships", "delete", "-t", "ctl-mem", "-p", "frank");

        Assert.AreEqual(1, before.ExitCode, before.ToString());
        Assert.AreEqual(0, upsert.ExitCode, upsert.ToString());
        Assert.AreEqual("membership frank@ctl-mem created: roles viewer", upsert.Out.Trim());
        using var json = JsonDocument.Parse(listed.Out);
        var membership = json.RootElement.GetProperty("memberships").EnumerateArray().Single();
        Assert.AreEqual(3, membership.GetProperty("attr").GetProperty("level").GetDouble());
        Assert.AreEqual(0, after.ExitCode, after.ToString());
        Assert.AreEqual("membership deleted", delete.Out.Trim());
    }

    [TestMethod]
    [DataRow("--principal", "acme/bob")]
    [DataRow("--tenant", "acme")]
    [DataRow("--policies", null)]
    public async Task Invalidate_EachScope_Exit0WithGenerations(string flag, string? value)
    {
        string[] args = value is null ? ["invalidate", flag, "-o", "json"] : ["invalidate", flag, value, "-o", "json"];

        var run = await Run(args);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.IsGreaterThanOrEqualTo(1, long.Parse(json.RootElement.GetProperty("generations_bumped").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public async Task Health_Serving_Exit0_FlagOverridesEnvironment()
    {
        var environment = new Dictionary<string, string?> { ["AUTHZ_ADDRESS"] = $"http://127.0.0.1:{Testing.FreePort.Next()}" };

        var run = await CtlRun.RunAsync(environment, "health", "--address", s_service.Address.ToString(), "-o", "json");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.AreEqual("SERVING", json.RootElement.GetProperty("status").GetString());
    }

    [TestMethod]
    public async Task Colour_OnlyOnATerminalWithoutNoColor()
    {
        string[] args = ["check", "-t", "acme", "-p", "alice", .. DocForBob, "-a", "read"];
        var noColor = new Dictionary<string, string?>(s_environment) { ["NO_COLOR"] = "1" };

        var terminal = await CtlRun.RunAsync(s_environment, outputIsTerminal: true, args);
        var redirected = await CtlRun.RunAsync(s_environment, outputIsTerminal: false, args);
        var disabled = await CtlRun.RunAsync(noColor, outputIsTerminal: true, args);

        StringAssert.Contains(terminal.Out, "\u001b[32mALLOW\u001b[0m");
        Assert.DoesNotContain("\u001b", redirected.Out);
        Assert.DoesNotContain("\u001b", disabled.Out);
        Assert.AreEqual(Normalize(redirected.Lines[1]), Normalize(terminal.Lines[1].Replace("\u001b[32m", "", StringComparison.Ordinal).Replace("\u001b[0m", "", StringComparison.Ordinal)));
    }

    private static string Normalize(string line) => line.TrimEnd();

    private static string Squeeze(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
