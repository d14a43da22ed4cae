using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// Tenancy through the real API (real service, PostgreSQL and Cerbos): roles come from exactly the
/// requested tenant and team, and directory changes show in the very next check. Tests run in parallel,
/// so a test that changes state uses principals or tenants of its own.
/// </summary>
[TestClass]
public sealed class TenancyEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_tenancy", context.CancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        s_service = await AuthzServiceInstance.StartAsync(database, cerbos, cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme", tier: "pro");
        await s_service.UpsertTenantAsync("globex", tier: "pro");
        await s_service.UpsertTenantAsync("initech", tier: "pro");

        await s_service.GrantAsync("acme", "alice", "", "org_admin");
        await s_service.GrantAsync("globex", "alice", "", "viewer");

        // bob leads team "red" of acme and nothing else; initech also has a team called "red".
        await s_service.GrantAsync("acme", "bob", "red", "team_lead");
        await s_service.GrantAsync("acme", "someone", "blue", "team_member");
        await s_service.GrantAsync("initech", "someone", "red", "team_lead");

        await s_service.GrantAsync("acme", "erin", "");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    [DataRow("project", new[] { "read", "create", "update", "archive", "delete" })]
    [DataRow("document", new[] { "read", "create", "comment", "update", "share", "delete" })]
    [DataRow("billing_account", new[] { "read", "view_invoices" })]
    public async Task CheckResources_AdminInTenantA_AllowsAdminActionsInA(string kind, string[] actions)
    {
        var response = await s_service.CheckAsync(Check("acme", "alice", kind, actions));

        foreach (var action in actions)
        {
            Assert.AreEqual(Effect.Allow, response.Results[0].Actions[action], $"{kind}:{action} in acme");
        }
    }

    [TestMethod]
    [DataRow("project", new[] { "create", "update", "archive", "delete" })]
    [DataRow("document", new[] { "create", "comment", "update", "share", "delete" })]
    [DataRow("billing_account", new[] { "read", "view_invoices", "update", "cancel" })]
    public async Task CheckResources_ViewerInTenantB_DeniesAdminActionsInB(string kind, string[] actions)
    {
        var response = await s_service.CheckAsync(Check("globex", "alice", kind, actions));

        foreach (var action in actions)
        {
            Assert.AreEqual(Effect.Deny, response.Results[0].Actions[action], $"{kind}:{action} in globex");
        }

        Assert.AreEqual(DenyReason.Unspecified, response.Results[0].DenyReason, "denied by policy, not locally");
    }

    [TestMethod]
    public async Task CheckResources_ViewerInTenantB_KeepsOnlyViewerRightsAndRolesInB()
    {
        var request = Check("globex", "alice", Entry(Resource("project", "p", "globex"), "read"), Entry(Resource("document", "d", "globex"), "read"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Allow, response.Results[1].Actions["read"]);
        CollectionAssert.AreEqual(new[] { "viewer" }, response.Meta.Principal.Roles.ToArray());
        Assert.AreEqual("globex", response.Meta.Principal.Attr["tenant_id"].StringValue);
    }

    [TestMethod]
    [DataRow("document", new[] { "read", "comment", "update", "delete" })]
    [DataRow("project", new[] { "read", "create", "update", "archive" })]
    public async Task CheckResources_TeamLeadOnOwnTeamResource_Allowed(string kind, string[] actions)
    {
        var request = Check("acme", "bob", Entry(Resource(kind, "r", "acme", team: "red"), actions));
        request.TeamId = "red";

        var response = await s_service.CheckAsync(request);

        foreach (var action in actions)
        {
            Assert.AreEqual(Effect.Allow, response.Results[0].Actions[action], $"{kind}:{action} on red");
        }
    }

    [TestMethod]
    public async Task CheckResources_TeamLeadOnAnotherTeamsResource_Denied()
    {
        var request = Check("acme", "bob", Entry(Resource("document", "r", "acme", team: "blue"), "read", "update", "delete"));
        request.TeamId = "red";

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results[0].Actions.Values.All(e => e == Effect.Deny), response.ToString());
    }

    [TestMethod]
    public async Task CheckResources_TeamLeadActingAsAnotherTeam_GetsNoTeamRole()
    {
        var request = Check("acme", "bob", Entry(Resource("document", "r", "acme", team: "blue"), "read", "update"));
        request.TeamId = "blue";
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results[0].Actions.Values.All(e => e == Effect.Deny), response.ToString());
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_TeamLeadWithoutTeamInRequest_GetsNoTeamRole()
    {
        var request = Check("acme", "bob", Entry(Resource("document", "r", "acme", team: "red"), "read", "update"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results[0].Actions.Values.All(e => e == Effect.Deny), response.ToString());
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_TeamLeadInAnotherTenantWithSameTeamName_Denied()
    {
        var request = Check("initech", "bob", Entry(Resource("document", "r", "initech", team: "red"), "read", "update", "delete"));
        request.TeamId = "red";
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results[0].Actions.Values.All(e => e == Effect.Deny), response.ToString());
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
        Assert.AreEqual("initech", response.Meta.Principal.Attr["tenant_id"].StringValue);
    }

    [TestMethod]
    public async Task CheckResources_MembershipDeletedThenTokenUsed_NextCheckDenied()
    {
        var principal = Unique("carol");
        await s_service.GrantAsync("acme", principal, "", "member");
        Assert.AreEqual(Effect.Allow, (await s_service.CheckAsync(Check("acme", principal, "document", "read"))).Results[0].Actions["read"]);

        var deleted = await s_service.DeleteMembershipAsync(new DeleteMembershipRequest { TenantId = "acme", PrincipalId = principal });
        var request = Check("acme", principal, "document", "read");
        request.Consistency = new Consistency { AtLeastAsFresh = deleted.ConsistencyToken };
        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(deleted.Deleted);
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_MembershipDeletedThenFullyConsistent_NextCheckDenied()
    {
        var principal = Unique("carol");
        await s_service.GrantAsync("acme", principal, "", "org_admin");
        Assert.AreEqual(Effect.Allow, (await s_service.CheckAsync(Check("acme", principal, "project", "delete"))).Results[0].Actions["delete"]);

        await s_service.DeleteMembershipAsync(new DeleteMembershipRequest { TenantId = "acme", PrincipalId = principal });
        var request = Check("acme", principal, "project", "delete");
        request.Consistency = new Consistency { FullyConsistent = true };
        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckResources_MembershipDeleted_PlainCheckDeniedWithinBound()
    {
        // Without a consistency requirement a replica may serve its cache until the change's notification
        // arrives (bounded staleness, docs/cache.md: a small documented bound, measured in milliseconds). 5 s is only
        // a hang guard.
        var principal = Unique("carol");
        await s_service.GrantAsync("acme", principal, "red", "team_lead");
        var request = Check("acme", principal, Entry(Resource("document", "r", "acme", team: "red"), "update"));
        request.TeamId = "red";
        Assert.AreEqual(Effect.Allow, (await s_service.CheckAsync(request)).Results[0].Actions["update"]);

        await s_service.DeleteMembershipAsync(new DeleteMembershipRequest { TenantId = "acme", PrincipalId = principal, TeamId = "red" });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CheckResourcesResponse response;
        while ((response = await s_service.CheckAsync(request)).Results[0].Actions["update"] != Effect.Deny)
        {
            Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed, "the delete was not seen within the hang guard");
            await Task.Delay(5);
        }

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["update"]);
    }

    [TestMethod]
    public async Task CheckResources_TenantSuspended_DeniesEverythingLocallyAndReactivationRestores()
    {
        var tenant = Unique("suspended");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "admin", "", "org_admin");
        var request = Check(
            tenant, "admin",
            Entry(Resource("project", "p", tenant), "read", "delete"),
            Entry(Resource("document", "d", tenant), "read", "share"),
            Entry(Resource("billing_account", "b", tenant), "read"));
        request.IncludeMeta = true;
        Assert.IsTrue((await s_service.CheckAsync(request)).Results.All(r => r.Actions.Values.All(e => e == Effect.Allow)));

        // Each check passes the token of the write before it: read-your-writes, whatever the caches hold.
        var suspend = await s_service.UpsertTenantAsync(tenant, status: TenantStatus.Suspended);
        request.Consistency = new Consistency { AtLeastAsFresh = suspend.ConsistencyToken };
        var suspended = await s_service.CheckAsync(request);
        var reactivate = await s_service.UpsertTenantAsync(tenant, status: TenantStatus.Active);
        request.Consistency = new Consistency { AtLeastAsFresh = reactivate.ConsistencyToken };
        var restored = await s_service.CheckAsync(request);

        foreach (var result in suspended.Results)
        {
            Assert.IsTrue(result.Actions.Values.All(e => e == Effect.Deny), result.ToString());
            Assert.AreEqual(DenyReason.TenantSuspended, result.DenyReason);
            Assert.AreEqual(DecisionSource.Local, result.Meta.Source);
        }

        Assert.IsTrue(restored.Results.All(r => r.Actions.Values.All(e => e == Effect.Allow)), restored.ToString());
        Assert.IsTrue(restored.Results.All(r => r.DenyReason == DenyReason.Unspecified));
    }

    [TestMethod]
    public async Task CheckResources_UnknownTenant_DeniesEveryActionAsTenantUnknown()
    {
        var request = Check(
            "no-such-tenant", "alice",
            Entry(Resource("project", "p", "no-such-tenant"), "read", "create", "update", "archive", "delete"),
            Entry(Resource("document", "d", "no-such-tenant"), "read", "share"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.HasCount(2, response.Results);
        foreach (var result in response.Results)
        {
            Assert.IsTrue(result.Actions.Values.All(e => e == Effect.Deny), result.ToString());
            Assert.AreEqual(DenyReason.TenantUnknown, result.DenyReason);
            Assert.AreEqual(DecisionSource.Local, result.Meta.Source);
        }

        Assert.HasCount(5, response.Results[0].Actions);
    }

    [TestMethod]
    public async Task CheckResources_PrincipalWithoutMembership_OkResponseDeniedAsNonMember()
    {
        var request = Check("acme", "stranger", Entry(Resource("document", "d", "acme"), "read", "create"), Entry(Resource("project", "p", "acme"), "read"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results.All(r => r.Actions.Values.All(e => e == Effect.Deny)), response.ToString());
        Assert.IsTrue(response.Results.All(r => r.DenyReason == DenyReason.Unspecified && r.Meta.Source == DecisionSource.Cerbos));
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_MembershipWithEmptyRoles_Denied()
    {
        var request = Check("acme", "erin", Entry(Resource("document", "d", "acme", owner: "erin"), "read", "update", "delete"));
        request.IncludeMeta = true;

        var response = await s_service.CheckAsync(request);

        Assert.IsTrue(response.Results[0].Actions.Values.All(e => e == Effect.Deny), response.ToString());
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_ResourceOfAnotherTenant_DeniedAsCrossTenant()
    {
        var response = await s_service.CheckAsync(Check("acme", "alice", Entry(Resource("document", "doc-1", "globex"), "read", "delete")));

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["delete"]);
        Assert.AreEqual(DenyReason.CrossTenant, response.Results[0].DenyReason);
    }
}
