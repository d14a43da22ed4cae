using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;

namespace AuthzService.Core.Tests.Principals;

[TestClass]
public sealed class PrincipalBuilderTests
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

    private static TenantInfo Tenant(string id = "acme", string scope = "", TenantStatus status = TenantStatus.Active) =>
        new(id, "Acme", scope, status, "gold");

    private static Membership Member(
        string team, string[] roles, string tenant = "acme", string principal = "alice",
        IReadOnlyDictionary<string, object?>? attributes = null) =>
        new(tenant, principal, team, roles, attributes ?? NoAttributes);

    private static RequestedPrincipal Request(string? team = null, IReadOnlyDictionary<string, object?>? context = null) =>
        new("acme", "alice", team, context ?? NoAttributes);

    private static BuiltPrincipal Built(PrincipalBuildResult result)
    {
        Assert.AreEqual(PrincipalBuildOutcome.Built, result.Outcome);
        Assert.IsNotNull(result.Principal);
        return result.Principal;
    }

    [TestMethod]
    public void Build_TenantMissing_ReturnsTenantUnknown()
    {
        var result = PrincipalBuilder.Build(Request(), new PrincipalSnapshot(null, Member("", ["admin"]), null, 0, 1, 1));

        Assert.AreEqual(PrincipalBuildOutcome.TenantUnknown, result.Outcome);
        Assert.IsNull(result.Principal);
    }

    [TestMethod]
    public void Build_SnapshotOfAnotherTenant_ReturnsTenantUnknown()
    {
        var result = PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant("other"), null, null, 1, 0, 1));

        Assert.AreEqual(PrincipalBuildOutcome.TenantUnknown, result.Outcome);
    }

    [TestMethod]
    public void Build_TenantSuspended_ReturnsTenantSuspended()
    {
        var snapshot = new PrincipalSnapshot(Tenant(status: TenantStatus.Suspended), Member("", ["admin"]), null, 1, 1, 1);

        var result = PrincipalBuilder.Build(Request(), snapshot);

        Assert.AreEqual(PrincipalBuildOutcome.TenantSuspended, result.Outcome);
        Assert.IsNull(result.Principal);
    }

    [TestMethod]
    public void Build_NoMembership_GivesNonMemberRole()
    {
        var principal = Built(PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant(), null, null, 1, 0, 1)));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_MembershipWithoutRoles_GivesNonMemberRole()
    {
        var principal = Built(PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant(), Member("", []), null, 1, 1, 1)));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_TenantWideOnly_UsesTenantWideRolesSortedAndDistinct()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["viewer", "admin", "viewer"]), null, 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request(), snapshot));

        CollectionAssert.AreEqual(new[] { "admin", "viewer" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_WithTeam_UnitesTenantWideAndTeamRoles()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["viewer"]), Member("red", ["editor", "viewer"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "editor", "viewer" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_TeamMembershipOnly_UsesTeamRoles()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), null, Member("red", ["editor"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "editor" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_NoTeamRequested_IgnoresTeamMembership()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["viewer"]), Member("red", ["editor"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request(), snapshot));

        CollectionAssert.AreEqual(new[] { "viewer" }, principal.Roles.ToArray());
        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
        Assert.IsNull(principal.TeamId);
    }

    [TestMethod]
    public void Build_TeamMembershipOfAnotherTeam_IsIgnored()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), null, Member("blue", ["editor"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
        Assert.IsNull(principal.TeamId);
    }

    [TestMethod]
    public void Build_TeamNamedWithoutTeamMembership_TenantWideOnlyAndNoTeamAttribute()
    {
        // The caller names a team; the directory holds no membership of alice in it: no team context.
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["member"]), null, 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("team9"), snapshot));

        CollectionAssert.AreEqual(new[] { "member" }, principal.Roles.ToArray());
        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
        Assert.IsNull(principal.TeamId);
    }

    [TestMethod]
    public void Build_TeamNamedWithoutTeamMembership_SamePrincipalAsTenantWideRequest()
    {
        // Same principal, so the same decision cache key: naming a foreign team opens nothing new.
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["member"]), null, 1, 1, 1);

        var named = Built(PrincipalBuilder.Build(Request("team9"), snapshot));
        var wide = Built(PrincipalBuilder.Build(Request(), snapshot));

        CollectionAssert.AreEqual(wide.Roles.ToArray(), named.Roles.ToArray());
        CollectionAssert.AreEquivalent(wide.Attributes.Keys.ToArray(), named.Attributes.Keys.ToArray());
        Assert.AreEqual(wide.TeamId, named.TeamId);
    }

    [TestMethod]
    [DataRow("team_lead")]
    [DataRow("team_member")]
    [DataRow("team_x")]
    public void Build_TeamRoleOnTenantWideMembership_IsIgnoredWithOrWithoutTeam(string role)
    {
        // Rows written before UpsertMembership refused them (or by straight SQL): a team role counts only from a team membership.
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", [role, "viewer"]), null, 1, 1, 1);

        var wide = Built(PrincipalBuilder.Build(Request(), snapshot));
        var named = Built(PrincipalBuilder.Build(Request("team9"), snapshot));

        CollectionAssert.AreEqual(new[] { "viewer" }, wide.Roles.ToArray());
        CollectionAssert.AreEqual(new[] { "viewer" }, named.Roles.ToArray());
        Assert.IsFalse(named.Attributes.ContainsKey("team_id"));
    }

    [TestMethod]
    public void Build_TenantWideTeamRoleAndRealTeamMembership_OnlyTheTeamsTeamRoles()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["team_lead"]), Member("red", ["team_member"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "team_member" }, principal.Roles.ToArray());
        Assert.AreEqual("red", principal.Attributes["team_id"]);
    }

    [TestMethod]
    public void Build_TeamMembershipWithoutRoles_StillATeamContext()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["viewer"]), Member("red", []), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "viewer" }, principal.Roles.ToArray());
        Assert.AreEqual("red", principal.Attributes["team_id"]);
        Assert.AreEqual("red", principal.TeamId);
    }

    [TestMethod]
    public void Build_MembershipsOfAnotherTenant_AreIgnored()
    {
        var snapshot = new PrincipalSnapshot(
            Tenant(), Member("", ["org_admin"], tenant: "evil"), Member("red", ["editor"], tenant: "evil"), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_MembershipOfAnotherPrincipal_IsIgnored()
    {
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["org_admin"], principal: "bob"), null, 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request(), snapshot));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_TenantWideMembershipPassedAsTeam_IsIgnored()
    {
        // A store bug returning the tenant-wide row in the team slot must not double as a team membership.
        var snapshot = new PrincipalSnapshot(Tenant(), null, Member("", ["admin"]), 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
    }

    [TestMethod]
    public void Build_Always_SetsTenantAttributes()
    {
        var principal = Built(PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant(), null, null, 1, 0, 1)));

        Assert.AreEqual("acme", principal.Attributes["tenant_id"]);
        Assert.AreEqual("gold", principal.Attributes["tenant_tier"]);
        Assert.AreEqual("active", principal.Attributes["tenant_status"]);
        Assert.AreEqual("acme", principal.TenantId);
        Assert.AreEqual("alice", principal.Id);
    }

    [TestMethod]
    public void Build_TeamMember_SetsTeamAttribute()
    {
        var principal = Built(PrincipalBuilder.Build(Request("red"), new PrincipalSnapshot(Tenant(), null, Member("red", ["team_member"]), 1, 1, 1)));

        Assert.AreEqual("red", principal.Attributes["team_id"]);
        Assert.AreEqual("red", principal.TeamId);
        Assert.AreEqual("acme", principal.Attributes["tenant_id"]);
    }

    [TestMethod]
    public void Build_EmptyTeamId_MeansTenantWide()
    {
        var principal = Built(PrincipalBuilder.Build(Request(""), new PrincipalSnapshot(Tenant(), null, null, 1, 0, 1)));

        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
        Assert.IsNull(principal.TeamId);
    }

    [TestMethod]
    public void Build_MembershipAttributes_TeamOverridesTenantWide()
    {
        var snapshot = new PrincipalSnapshot(
            Tenant(),
            Member("", ["viewer"], attributes: new Dictionary<string, object?> { ["dept"] = "sales", ["level"] = 1L }),
            Member("red", ["editor"], attributes: new Dictionary<string, object?> { ["level"] = 2L }),
            1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request("red"), snapshot));

        Assert.AreEqual("sales", principal.Attributes["dept"]);
        Assert.AreEqual(2L, principal.Attributes["level"]);
    }

    [TestMethod]
    public void Build_MembershipAttributesWithReservedKeys_ReservedKeysWin()
    {
        var forged = new Dictionary<string, object?>
        {
            ["tenant_id"] = "evil",
            ["team_id"] = "evil",
            ["tenant_tier"] = "platinum",
            ["tenant_status"] = "active!",
            ["context"] = "forged",
        };
        var snapshot = new PrincipalSnapshot(Tenant(), Member("", ["viewer"], attributes: forged), null, 1, 1, 1);

        var principal = Built(PrincipalBuilder.Build(Request(), snapshot));

        Assert.AreEqual("acme", principal.Attributes["tenant_id"]);
        Assert.IsFalse(principal.Attributes.ContainsKey("team_id"));
        Assert.AreEqual("gold", principal.Attributes["tenant_tier"]);
        Assert.AreEqual("active", principal.Attributes["tenant_status"]);
        Assert.IsInstanceOfType<IReadOnlyDictionary<string, object?>>(principal.Attributes["context"]);
    }

    [TestMethod]
    public void Build_RequestContext_OnlyUnderContextKey()
    {
        var context = new Dictionary<string, object?> { ["mfa"] = true, ["tenant_id"] = "evil", ["roles"] = "admin" };

        var principal = Built(PrincipalBuilder.Build(Request(context: context), new PrincipalSnapshot(Tenant(), null, null, 1, 0, 1)));

        var nested = (IReadOnlyDictionary<string, object?>)principal.Attributes["context"]!;
        Assert.AreEqual(true, nested["mfa"]);
        Assert.AreEqual("evil", nested["tenant_id"]);
        Assert.AreEqual("acme", principal.Attributes["tenant_id"]);
        Assert.IsFalse(principal.Attributes.ContainsKey("mfa"));
        CollectionAssert.AreEqual(new[] { "non_member" }, principal.Roles.ToArray());
    }

    [TestMethod]
    public void Build_NoContext_HasEmptyContextObject()
    {
        var principal = Built(PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant(), null, null, 1, 0, 1)));

        Assert.IsEmpty((IReadOnlyDictionary<string, object?>)principal.Attributes["context"]!);
    }

    [TestMethod]
    [DataRow("acme", "acme")]
    [DataRow("acme.eu-west_1", "acme.eu-west_1")]
    [DataRow("", "")]
    [DataRow("bad scope", "")]
    [DataRow("acme..x", "")]
    [DataRow(".acme", "")]
    [DataRow("acme/x", "")]
    public void Build_Scope_IsTenantScopeWhenValidElseBase(string stored, string expected)
    {
        var principal = Built(PrincipalBuilder.Build(Request("red"), new PrincipalSnapshot(Tenant(scope: stored), null, null, 1, 0, 1)));

        Assert.AreEqual(expected, principal.Scope);
    }

    [TestMethod]
    public void Build_Versions_AreCopiedFromSnapshot()
    {
        var principal = Built(PrincipalBuilder.Build(Request(), new PrincipalSnapshot(Tenant(), null, null, 7, 9, 11)));

        Assert.AreEqual(7, principal.TenantVersion);
        Assert.AreEqual(9, principal.PrincipalVersion);
        Assert.AreEqual(11, principal.PolicyEpoch);
    }
}
