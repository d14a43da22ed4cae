using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Google.Protobuf.WellKnownTypes;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>CheckResources through the real API: order, metadata and request-time context.</summary>
[TestClass]
public sealed class CheckResourcesEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_check", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme", tier: "enterprise");
        await s_service.UpsertTenantAsync("globex", tier: "free");
        await s_service.GrantAsync("acme", "alice", "", "org_admin");
        await s_service.GrantAsync("acme", "vic", "", "viewer");
        var lead = Membership("acme", "lena", "", "member");
        lead.Attr["department"] = Value.ForString("eng");
        await s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = lead });
        await s_service.GrantAsync("acme", "lena", "red", "team_lead");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    public async Task CheckResources_MixedBatch_ResultsInRequestOrder()
    {
        var request = Check(
            "acme", "vic",
            Entry(Resource("document", "d-allowed", "acme"), "read"),
            Entry(Resource("document", "d-cross", "globex"), "read"),
            Entry(Resource("project", "p-denied", "acme"), "delete"),
            Entry(Resource("billing_account", "b-denied", "acme"), "read"),
            Entry(Resource("project", "p-allowed", "acme"), "read", "update"),
            Entry(Resource("document", "d-cross-2", "initech"), "read", "delete"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(request.RequestId, response.RequestId);
        CollectionAssert.AreEqual(request.Resources.Select(e => e.Resource.Id).ToArray(), response.Results.Select(r => r.Resource.Id).ToArray());
        CollectionAssert.AreEqual(request.Resources.Select(e => e.Resource.Kind).ToArray(), response.Results.Select(r => r.Resource.Kind).ToArray());
        var effects = response.Results.Select(r => string.Join(",", r.Actions.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"))).ToArray();
        CollectionAssert.AreEqual(
            new[] { "read=Allow", "read=Deny", "delete=Deny", "read=Deny", "read=Allow,update=Deny", "delete=Deny,read=Deny" }, effects);
        CollectionAssert.AreEqual(
            new[] { DenyReason.Unspecified, DenyReason.CrossTenant, DenyReason.Unspecified, DenyReason.Unspecified, DenyReason.Unspecified, DenyReason.CrossTenant },
            response.Results.Select(r => r.DenyReason).ToArray());
        CollectionAssert.AreEqual(
            new[] { DecisionSource.Cerbos, DecisionSource.Local, DecisionSource.Cerbos, DecisionSource.Cerbos, DecisionSource.Cerbos, DecisionSource.Local },
            response.Results.Select(r => r.Meta.Source).ToArray());
    }

    [TestMethod]
    public async Task CheckResources_CrossTenantResource_LoggedAsCrossTenantAttempt()
    {
        var request = Check("acme", "alice", Entry(Resource("document", "logged-cross", "globex"), "read"));

        await s_service.CheckAsync(request);

        Assert.IsTrue(
            s_service.Logs.Lines.Any(l => l.Message.Contains(request.RequestId, StringComparison.Ordinal) && l.Message.Contains("logged-cross", StringComparison.Ordinal)),
            s_service.Logs.Text);
    }

    [TestMethod]
    public async Task CheckResources_IncludeMeta_ReturnsPrincipalAsBuiltScopeAndMatchedPolicies()
    {
        var request = Check("acme", "lena", Entry(Resource("document", "d", "acme", owner: "lena", team: "red"), "read", "delete"));
        request.TeamId = "red";
        request.IncludeMeta = true;
        request.PrincipalContext["mfa"] = Value.ForBool(true);

        var response = await s_service.CheckAsync(request);

        var principal = response.Meta.Principal;
        Assert.AreEqual("lena", principal.Id);
        CollectionAssert.AreEqual(new[] { "member", "team_lead" }, principal.Roles.ToArray());
        Assert.AreEqual("acme", principal.Attr["tenant_id"].StringValue);
        Assert.AreEqual("red", principal.Attr["team_id"].StringValue);
        Assert.AreEqual("enterprise", principal.Attr["tenant_tier"].StringValue);
        Assert.AreEqual("active", principal.Attr["tenant_status"].StringValue);
        Assert.AreEqual("eng", principal.Attr["department"].StringValue);
        Assert.IsTrue(principal.Attr["context"].StructValue.Fields["mfa"].BoolValue);
        Assert.AreEqual("acme", principal.Scope);
        Assert.AreEqual("acme", response.Meta.Scope);
        Assert.IsGreaterThan(0L, principal.TenantVersion);
        var result = response.Results[0];
        Assert.AreEqual(Effect.Allow, result.Actions["read"]);
        Assert.AreEqual(Effect.Allow, result.Actions["delete"]);
        Assert.AreEqual(DecisionSource.Cerbos, result.Meta.Source);
        foreach (var action in new[] { "read", "delete" })
        {
            StringAssert.StartsWith(result.Meta.Actions[action].MatchedPolicy, "resource.document.vdefault", action);
        }

        CollectionAssert.IsSubsetOf(new[] { "lead_of_team" }, result.Meta.EffectiveDerivedRoles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_WithoutIncludeMeta_NoMeta()
    {
        var response = await s_service.CheckAsync(Check("acme", "alice", "document", "read"));

        Assert.IsNull(response.Meta);
        Assert.IsNull(response.Results[0].Meta);
    }

    [TestMethod]
    [DataRow(true, Effect.Allow)]
    [DataRow(false, Effect.Deny)]
    [DataRow(null, Effect.Deny)]
    public async Task CheckResources_BillingUpdateByAdmin_AllowedOnlyWithMfaInContext(bool? mfa, Effect expected)
    {
        var request = Check("acme", "alice", "billing_account", "update", "cancel", "read");
        if (mfa is { } value)
        {
            request.PrincipalContext["mfa"] = Value.ForBool(value);
        }

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(expected, response.Results[0].Actions["update"]);
        Assert.AreEqual(expected, response.Results[0].Actions["cancel"]);
        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_ContextNamesAnotherTenant_CannotOverrideTenant()
    {
        var request = Check(
            "acme", "vic",
            Entry(Resource("document", "own", "acme"), "read", "delete"),
            Entry(Resource("document", "theirs", "globex"), "read"));
        request.IncludeMeta = true;
        request.PrincipalContext["tenant_id"] = Value.ForString("globex");
        request.PrincipalContext["tenant_tier"] = Value.ForString("enterprise");
        request.PrincipalContext["mfa"] = Value.ForBool(true);
        var baseline = Check("acme", "vic", Entry(Resource("document", "own", "acme"), "read", "delete"), Entry(Resource("document", "theirs", "globex"), "read"));

        var response = await s_service.CheckAsync(request);
        var expected = await s_service.CheckAsync(baseline);

        Assert.AreEqual("acme", response.Meta.Principal.Attr["tenant_id"].StringValue);
        Assert.AreEqual("enterprise", response.Meta.Principal.Attr["tenant_tier"].StringValue);
        Assert.AreEqual("globex", response.Meta.Principal.Attr["context"].StructValue.Fields["tenant_id"].StringValue);
        CollectionAssert.AreEqual(expected.Results.Select(r => r.Actions.ToString()).ToArray(), response.Results.Select(r => r.Actions.ToString()).ToArray());
        Assert.AreEqual(DenyReason.CrossTenant, response.Results[1].DenyReason);
    }

    [TestMethod]
    public async Task CheckResources_ContextTierCannotUnlockPaidFeature()
    {
        // share needs tenant_tier pro/enterprise; globex is free, and a context claim must not change that.
        await s_service.GrantAsync("globex", "gadmin", "", "org_admin");
        var request = Check("globex", "gadmin", "document", "share", "read");
        request.PrincipalContext["tenant_tier"] = Value.ForString("enterprise");

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["share"]);
        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
    }
}
