using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Grpc.Core;
using Npgsql;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// The team context through the real API (service, PostgreSQL, Cerbos): a request's <c>team_id</c> gives the
/// principal a team (P.attr.team_id, the team's roles) only when the directory holds its membership in that
/// team of that tenant; team roles (<c>team_*</c>) count only from a team membership. Each test uses
/// principals of its own (tests run in parallel and share the caches).
/// </summary>
[TestClass]
public sealed class TeamContextEndToEndTests
{
    private const string Tenant = "acme";
    private const string ForeignTeam = "team9";
    private static string s_database = null!;
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_team_context", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(s_database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync(Tenant, scope: "acme", tier: "pro");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    /// <summary>
    /// A tenant-wide membership holding a team role, as rows written before the API refused them (or by
    /// straight SQL) still do: it is neither a team context nor a team role.
    /// </summary>
    private static async Task InsertTenantWideRowAsync(string principal, params string[] roles)
    {
        await using var connection = new NpgsqlConnection(s_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO memberships (tenant_id, principal_id, team_id, roles) VALUES (@tenant, @principal, '', @roles)", connection);
        command.Parameters.AddWithValue("tenant", Tenant);
        command.Parameters.AddWithValue("principal", principal);
        command.Parameters.AddWithValue("roles", roles);
        await command.ExecuteNonQueryAsync();
    }

    private static CheckResourcesRequest TeamCheck(string principal, string team, params string[] actions)
    {
        var request = Check(Tenant, principal, Entry(Resource("document", "doc-" + team, Tenant, team: team), actions));
        request.TeamId = team;
        request.IncludeMeta = true;
        return request;
    }

    [TestMethod]
    [DataRow("team_lead")]
    [DataRow("team_member")]
    public async Task CheckResources_TenantWideTeamRoleNamingAnyTeam_DeniedWithoutTeamAttribute(string role)
    {
        var principal = Unique("mallory");
        await InsertTenantWideRowAsync(principal, role);

        var response = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "read", "update"));

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["read"], response.ToString());
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["update"], response.ToString());
        Assert.IsFalse(response.Meta.Principal.Attr.ContainsKey("team_id"), response.Meta.ToString());
        CollectionAssert.AreEqual(new[] { "non_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_TenantWideMemberNamingTeamItIsNotIn_KeepsTenantRolesWithoutTeamAttribute()
    {
        var principal = Unique("tina");
        await s_service.GrantAsync(Tenant, principal, "", "member");

        var response = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "read", "delete"));

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], "tenant-wide member rights are kept");
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["delete"]);
        Assert.IsFalse(response.Meta.Principal.Attr.ContainsKey("team_id"), response.Meta.ToString());
        Assert.AreEqual(Tenant, response.Meta.Principal.Attr["tenant_id"].StringValue);
        CollectionAssert.AreEqual(new[] { "member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_RealTeamMember_GetsTeamPermissionAndTeamAttribute()
    {
        var principal = Unique("tom");
        await s_service.GrantAsync(Tenant, principal, ForeignTeam, "team_member");

        var response = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "read", "update", "delete"));

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], response.ToString());
        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["update"], response.ToString());
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["delete"]);
        Assert.AreEqual(ForeignTeam, response.Meta.Principal.Attr["team_id"].StringValue);
        CollectionAssert.AreEqual(new[] { "team_member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task CheckResources_TenantWideTeamRoleAndRealTeamMembership_OnlyTheTeamsRolesCount()
    {
        // A legacy tenant-wide team_lead must not lift a real team_member to lead of its team.
        var principal = Unique("tess");
        await InsertTenantWideRowAsync(principal, "team_lead");
        await s_service.GrantAsync(Tenant, principal, ForeignTeam, "team_member");

        var response = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "read", "delete"));

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], response.ToString());
        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["delete"], "delete needs lead_of_team");
        CollectionAssert.AreEqual(new[] { "team_member" }, response.Meta.Principal.Roles.ToArray());
        Assert.AreEqual(ForeignTeam, response.Meta.Principal.Attr["team_id"].StringValue);
    }

    [TestMethod]
    public async Task CheckResources_SamePrincipalBeforeJoinAfterJoinAfterLeave_CachesNeverMixTheAnswers()
    {
        // Principal and decision caches: the answer given without the team must not serve the member, nor the reverse.
        var principal = Unique("jo");
        await s_service.GrantAsync(Tenant, principal, "", "viewer");
        var before = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "update"));
        var beforeAgain = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "update"));

        var joined = await s_service.GrantAsync(Tenant, principal, ForeignTeam, "team_member");
        var asMemberRequest = TeamCheck(principal, ForeignTeam, "update");
        asMemberRequest.Consistency = new Consistency { AtLeastAsFresh = joined.ConsistencyToken };
        var asMember = await s_service.CheckAsync(asMemberRequest);
        var asMemberAgain = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "update"));

        var left = await s_service.DeleteMembershipAsync(new DeleteMembershipRequest { TenantId = Tenant, PrincipalId = principal, TeamId = ForeignTeam });
        var afterRequest = TeamCheck(principal, ForeignTeam, "update");
        afterRequest.Consistency = new Consistency { AtLeastAsFresh = left.ConsistencyToken };
        var after = await s_service.CheckAsync(afterRequest);

        Assert.AreEqual(Effect.Deny, before.Results[0].Actions["update"]);
        Assert.AreEqual(Effect.Deny, beforeAgain.Results[0].Actions["update"]);
        Assert.IsFalse(beforeAgain.Meta.Principal.Attr.ContainsKey("team_id"));
        Assert.AreEqual(Effect.Allow, asMember.Results[0].Actions["update"], asMember.ToString());
        Assert.AreEqual(Effect.Allow, asMemberAgain.Results[0].Actions["update"], asMemberAgain.ToString());
        Assert.AreEqual(ForeignTeam, asMemberAgain.Meta.Principal.Attr["team_id"].StringValue);
        Assert.AreEqual(Effect.Deny, after.Results[0].Actions["update"], after.ToString());
        Assert.IsFalse(after.Meta.Principal.Attr.ContainsKey("team_id"));
    }

    [TestMethod]
    public async Task CheckResources_NonMemberAndMemberOfOneTeam_EachGetsItsOwnAnswer()
    {
        var member = Unique("mia");
        var outsider = Unique("otto");
        await s_service.GrantAsync(Tenant, member, ForeignTeam, "team_lead");
        await InsertTenantWideRowAsync(outsider, "team_lead");

        // Interleaved and repeated, so every second answer may come from a cache.
        var results = new List<(string Who, Effect Effect)>();
        for (var i = 0; i < 3; i++)
        {
            foreach (var principal in new[] { outsider, member })
            {
                var response = await s_service.CheckAsync(TeamCheck(principal, ForeignTeam, "delete"));
                results.Add((principal, response.Results[0].Actions["delete"]));
            }
        }

        Assert.IsTrue(results.Where(r => r.Who == member).All(r => r.Effect == Effect.Allow), string.Join(", ", results));
        Assert.IsTrue(results.Where(r => r.Who == outsider).All(r => r.Effect == Effect.Deny), string.Join(", ", results));
    }

    [TestMethod]
    [DataRow("team_lead")]
    [DataRow("team_member")]
    [DataRow("team_anything")]
    public async Task UpsertMembership_TeamRoleOnTenantWideMembership_InvalidArgumentNamingRolesAndNothingStored(string role)
    {
        var principal = Unique("ivan");

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GrantAsync(Tenant, principal, "", "member", role));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = Tenant, PrincipalId = principal });
        var inTeam = await s_service.GrantAsync(Tenant, principal, ForeignTeam, role);

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "membership.roles:");
        StringAssert.Contains(ex.Status.Detail, role);
        Assert.IsEmpty(listed.Memberships);
        Assert.IsTrue(inTeam.Created, "the same role in a team membership is accepted");
    }
}
