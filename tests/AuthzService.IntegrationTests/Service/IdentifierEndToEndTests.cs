using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// Ids are free text (1 to 128 characters, no control characters). Characters that are separators
/// elsewhere (':' in cache keys, '/' in paths, '%' in LIKE patterns and URLs, '{' in templates) must be
/// plain data everywhere: stored, echoed and matched exactly, and never make two tenants' data meet.
/// </summary>
[TestClass]
public sealed class IdentifierEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_ids", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    [DataRow(":")]
    [DataRow("/")]
    [DataRow("%")]
    [DataRow("{")]
    [DataRow("%2F")]
    [DataRow("}\"'\\*?")]
    public async Task CheckResources_SpecialCharacterInEveryId_StoredEchoedAndMatchedExactly(string special)
    {
        var tenant = Unique("t" + special + "x");
        var admin = "admin" + special + "1";
        var lead = "lead" + special + "2";
        var team = "team" + special + "3";
        var resourceId = "doc" + special + "4";
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, admin, "", "org_admin");
        await s_service.GrantAsync(tenant, lead, team, "team_lead");
        var adminCheck = Check(tenant, admin, Entry(Resource("document", resourceId, tenant), "read", "delete"));
        adminCheck.IncludeMeta = true;
        var leadCheck = Check(tenant, lead, Entry(Resource("document", resourceId, tenant, team: team), "update"));
        leadCheck.TeamId = team;
        leadCheck.IncludeMeta = true;

        var adminResponse = await s_service.CheckAsync(adminCheck);
        var leadResponse = await s_service.CheckAsync(leadCheck);
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PrincipalId = lead });
        var fetched = await s_service.GetTenantAsync(new GetTenantRequest { TenantId = tenant });

        Assert.AreEqual(Effect.Allow, adminResponse.Results[0].Actions["delete"], adminResponse.ToString());
        Assert.AreEqual(resourceId, adminResponse.Results[0].Resource.Id);
        Assert.AreEqual(admin, adminResponse.Meta.Principal.Id);
        Assert.AreEqual(tenant, adminResponse.Meta.Principal.Attr["tenant_id"].StringValue);
        Assert.AreEqual(Effect.Allow, leadResponse.Results[0].Actions["update"], leadResponse.ToString());
        Assert.AreEqual(team, leadResponse.Meta.Principal.Attr["team_id"].StringValue);
        Assert.HasCount(1, listed.Memberships);
        Assert.AreEqual(team, listed.Memberships[0].TeamId);
        Assert.AreEqual(tenant, fetched.Tenant.Id);
    }

    [TestMethod]
    public async Task CheckResources_IdsOfExactly128Characters_Accepted()
    {
        var tenant = Unique("t").PadRight(128, 't');
        var principal = new string('p', 128);
        var team = new string('m', 128);
        var resourceId = new string('r', 128);
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, principal, team, "team_lead");
        var request = Check(tenant, principal, Entry(Resource("document", resourceId, tenant, team: team), "read"));
        request.TeamId = team;

        var response = await s_service.CheckAsync(request);

        Assert.AreEqual(128, tenant.Length);
        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], response.ToString());
        Assert.AreEqual(resourceId, response.Results[0].Resource.Id);
    }

    [TestMethod]
    [DataRow("tenant_id")]
    [DataRow("principal_id")]
    [DataRow("team_id")]
    [DataRow("resources[0].resource.id")]
    public async Task CheckResources_IdOf129Characters_InvalidArgumentNamingField(string field)
    {
        var request = WithId(field, new string('x', 129));

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, field + ": must be at most 128 characters");
    }

    [TestMethod]
    [DataRow("tenant_id", "a\nb")]
    [DataRow("principal_id", "a\nb")]
    [DataRow("team_id", "a\nb")]
    [DataRow("resources[0].resource.id", "a\nb")]
    [DataRow("tenant_id", "a\0b")]
    [DataRow("principal_id", "tab\there")]
    public async Task CheckResources_ControlCharacterInId_InvalidArgumentNamingField(string field, string id)
    {
        var request = WithId(field, id);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, field + ": must be at most 128 characters with no control characters");
    }

    [TestMethod]
    public async Task Directory_IdsWithNewlineOr129Characters_RejectedAndNothingStored()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);

        var badTenant = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertTenantAsync(tenant + "\n"));
        var longTenant = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertTenantAsync(tenant.PadRight(129, 'x')));
        var badPrincipal = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GrantAsync(tenant, "p\n", "", "viewer"));
        var badTeam = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GrantAsync(tenant, "p", new string('m', 129), "viewer"));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });
        var missing = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GetTenantAsync(new GetTenantRequest { TenantId = tenant.PadRight(128, 'x') }));

        StringAssert.Contains(badTenant.Status.Detail, "tenant.id:");
        StringAssert.Contains(longTenant.Status.Detail, "tenant.id:");
        StringAssert.Contains(badPrincipal.Status.Detail, "membership.principal_id:");
        StringAssert.Contains(badTeam.Status.Detail, "membership.team_id:");
        Assert.IsTrue(new[] { badTenant, longTenant, badPrincipal, badTeam }.All(e => e.StatusCode == StatusCode.InvalidArgument));
        Assert.IsEmpty(listed.Memberships);
        Assert.AreEqual(StatusCode.NotFound, missing.StatusCode);
    }

    [TestMethod]
    [DataRow(":")]
    [DataRow("/")]
    public async Task CheckResources_SeparatorSplitsTenantAndPrincipalDifferently_NoCollision(string separator)
    {
        // "a:b" + "c" and "a" + "b:c" read the same when joined with ':' (as cache keys are): they must stay apart.
        var a = Unique("a");
        var joinedTenant = a + separator + "b";
        await s_service.UpsertTenantAsync(joinedTenant);
        await s_service.UpsertTenantAsync(a);
        await s_service.GrantAsync(joinedTenant, "c", "", "org_admin");
        await s_service.GrantAsync(a, "b" + separator + "c", "", "viewer");

        var owner = await s_service.CheckAsync(Check(joinedTenant, "c", Entry(Resource("project", "p", joinedTenant), "delete")));
        var lookalike = await s_service.CheckAsync(Check(a, "b" + separator + "c", Entry(Resource("project", "p", a), "read", "delete")));
        var crossed = await s_service.CheckAsync(Check(a, "b" + separator + "c", Entry(Resource("project", "p", joinedTenant), "read")));
        var noSuchPrincipal = await s_service.CheckAsync(Check(a, "c", Entry(Resource("project", "p", a), "read")));
        var listedA = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = a });

        Assert.AreEqual(Effect.Allow, owner.Results[0].Actions["delete"]);
        Assert.AreEqual(Effect.Allow, lookalike.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, lookalike.Results[0].Actions["delete"], "admin rights of " + joinedTenant + " leaked");
        Assert.AreEqual(DenyReason.CrossTenant, crossed.Results[0].DenyReason);
        Assert.AreEqual(Effect.Deny, noSuchPrincipal.Results[0].Actions["read"]);
        CollectionAssert.AreEqual(new[] { "b" + separator + "c" }, listedA.Memberships.Select(m => m.PrincipalId).ToArray());
    }

    [TestMethod]
    public async Task UpsertTenant_SuspendingPrefixTenant_LeavesLookalikeTenantsActive()
    {
        var a = Unique("a");
        foreach (var tenant in new[] { a, a + ":b", a + "/b", a + "%" })
        {
            await s_service.UpsertTenantAsync(tenant);
            await s_service.GrantAsync(tenant, "u", "", "org_admin");
        }

        await s_service.UpsertTenantAsync(a, status: TenantStatus.Suspended);
        var suspended = await s_service.CheckAsync(Check(a, "u", "project", "read"));

        Assert.AreEqual(DenyReason.TenantSuspended, suspended.Results[0].DenyReason);
        foreach (var tenant in new[] { a + ":b", a + "/b", a + "%" })
        {
            var response = await s_service.CheckAsync(Check(tenant, "u", "project", "read"));
            Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], tenant);
        }
    }

    [TestMethod]
    public async Task ListMemberships_WildcardCharactersInFilter_MatchOnlyLiterally()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        foreach (var principal in new[] { "%", "_", "a%", "ab", "a_", "a\\" })
        {
            await s_service.GrantAsync(tenant, principal, "", "viewer");
        }

        var percent = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PrincipalId = "%" });
        var underscore = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PrincipalId = "a_" });
        var percentTenant = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant[..^1] + "%" });

        CollectionAssert.AreEqual(new[] { "%" }, percent.Memberships.Select(m => m.PrincipalId).ToArray());
        CollectionAssert.AreEqual(new[] { "a_" }, underscore.Memberships.Select(m => m.PrincipalId).ToArray());
        Assert.IsEmpty(percentTenant.Memberships);
    }

    private static CheckResourcesRequest WithId(string field, string id)
    {
        var request = Check("acme", "alice", Entry(Resource("document", "d", "acme"), "read"));
        switch (field)
        {
            case "tenant_id": request.TenantId = id; break;
            case "principal_id": request.PrincipalId = id; break;
            case "team_id": request.TeamId = id; break;
            default: request.Resources[0].Resource.Id = id; break;
        }

        return request;
    }
}
