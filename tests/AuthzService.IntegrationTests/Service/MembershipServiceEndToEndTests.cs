using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>MembershipService (and CacheService) through the real API: idempotent writes, reads, paging.</summary>
[TestClass]
public sealed class MembershipServiceEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_membership", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    public async Task UpsertTenant_SameTenantTwice_CreatedOnlyFirstTime()
    {
        var request = new UpsertTenantRequest { Tenant = new Tenant { Id = Unique("t"), DisplayName = "Acme", CerbosScope = "acme", Tier = "enterprise" } };

        var first = await s_service.UpsertTenantAsync(request);
        var second = await s_service.UpsertTenantAsync(request);
        var fetched = await s_service.GetTenantAsync(new GetTenantRequest { TenantId = request.Tenant.Id });

        Assert.IsTrue(first.Created);
        Assert.IsFalse(second.Created);
        Assert.AreNotEqual(string.Empty, first.ConsistencyToken);
        var expected = request.Tenant.Clone();
        expected.Status = TenantStatus.Active;
        Assert.AreEqual(expected, fetched.Tenant);
        Assert.AreEqual(expected, second.Tenant);
    }

    [TestMethod]
    public async Task UpsertTenant_EmptyTier_StoredAsFree()
    {
        var id = Unique("t");

        var response = await s_service.UpsertTenantAsync(new UpsertTenantRequest { Tenant = new Tenant { Id = id } });
        var fetched = await s_service.GetTenantAsync(new GetTenantRequest { TenantId = id });

        Assert.AreEqual("free", response.Tenant.Tier);
        Assert.AreEqual("free", fetched.Tenant.Tier);
        Assert.AreEqual(TenantStatus.Active, fetched.Tenant.Status);
    }

    [TestMethod]
    public async Task GetTenant_Missing_NotFound()
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GetTenantAsync(new GetTenantRequest { TenantId = Unique("missing") }));

        Assert.AreEqual(StatusCode.NotFound, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "tenant_id");
    }

    [TestMethod]
    public async Task UpsertMembership_SameMembershipTwice_CreatedOnlyFirstTimeAndEchoed()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        var membership = Membership(tenant, "p", "red", "team_lead", "team_member");
        membership.Attr["level"] = Value.ForNumber(3);
        membership.Attr["tags"] = Value.ForList(Value.ForString("a"), Value.ForString("b"));
        membership.Attr["nested"] = Value.ForStruct(new Struct { Fields = { ["x"] = Value.ForBool(true) } });
        var request = new UpsertMembershipRequest { Membership = membership };

        var first = await s_service.UpsertMembershipAsync(request);
        var second = await s_service.UpsertMembershipAsync(request);
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });

        Assert.IsTrue(first.Created);
        Assert.IsFalse(second.Created);
        Assert.AreNotEqual(string.Empty, first.ConsistencyToken);
        Assert.AreEqual(membership, first.Membership);
        Assert.HasCount(1, listed.Memberships);
        Assert.AreEqual(membership, listed.Memberships[0]);
    }

    [TestMethod]
    public async Task UpsertMembership_ChangedRoles_ReplacesRolesAndNextCheckSeesThem()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p", "", "org_admin");
        Assert.AreEqual(Effect.Allow, (await s_service.CheckAsync(Check(tenant, "p", "project", "delete"))).Results[0].Actions["delete"]);

        var replaced = await s_service.GrantAsync(tenant, "p", "", "viewer");
        var check = await s_service.CheckAsync(Check(tenant, "p", "project", "delete", "read"));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });

        Assert.IsFalse(replaced.Created);
        Assert.AreEqual(Effect.Deny, check.Results[0].Actions["delete"]);
        Assert.AreEqual(Effect.Allow, check.Results[0].Actions["read"]);
        CollectionAssert.AreEqual(new[] { "viewer" }, listed.Memberships[0].Roles.ToArray());
    }

    [TestMethod]
    public async Task UpsertMembership_MissingTenant_FailedPreconditionAndNothingStored()
    {
        var tenant = Unique("missing");

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GrantAsync(tenant, "p", "", "viewer"));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });

        Assert.AreEqual(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.IsEmpty(listed.Memberships);
    }

    [TestMethod]
    [DataRow("tenant_id")]
    [DataRow("team_id")]
    [DataRow("tenant_tier")]
    [DataRow("tenant_status")]
    [DataRow("context")]
    public async Task UpsertMembership_ReservedAttributeKey_InvalidArgumentAndNothingStored(string key)
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        var membership = Membership(tenant, "p", "", "viewer");
        membership.Attr[key] = Value.ForString("other");

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = membership }));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "membership.attr: must not use reserved keys");
        Assert.IsEmpty(listed.Memberships);
    }

    [TestMethod]
    public async Task DeleteMembership_Twice_DeletedOnlyFirstTime()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p", "", "viewer");
        await s_service.GrantAsync(tenant, "p", "red", "team_member");
        var request = new DeleteMembershipRequest { TenantId = tenant, PrincipalId = "p", TeamId = "red" };

        var first = await s_service.DeleteMembershipAsync(request);
        var second = await s_service.DeleteMembershipAsync(request);
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });

        Assert.IsTrue(first.Deleted);
        Assert.IsFalse(second.Deleted);
        Assert.AreNotEqual(string.Empty, second.ConsistencyToken);
        Assert.HasCount(1, listed.Memberships, "only the team membership is deleted");
        Assert.AreEqual(string.Empty, listed.Memberships[0].TeamId);
    }

    [TestMethod]
    public async Task DeleteTenant_Twice_DeletedOnceAndEverythingOfItGone()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p", "", "org_admin");
        await s_service.GrantAsync(tenant, "q", "red", "team_lead");

        var first = await s_service.DeleteTenantAsync(new DeleteTenantRequest { TenantId = tenant });
        var second = await s_service.DeleteTenantAsync(new DeleteTenantRequest { TenantId = tenant });
        var check = await s_service.CheckAsync(Check(tenant, "p", "project", "read"));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });
        var missing = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.GetTenantAsync(new GetTenantRequest { TenantId = tenant }));
        var recreated = await s_service.UpsertTenantAsync(tenant);
        var afterRecreate = await s_service.CheckAsync(Check(tenant, "p", "project", "read"));

        Assert.IsTrue(first.Deleted);
        Assert.IsFalse(second.Deleted);
        Assert.AreEqual(DenyReason.TenantUnknown, check.Results[0].DenyReason);
        Assert.IsEmpty(listed.Memberships);
        Assert.AreEqual(StatusCode.NotFound, missing.StatusCode);
        Assert.IsTrue(recreated.Created);
        Assert.AreEqual(Effect.Deny, afterRecreate.Results[0].Actions["read"], "re-creating a tenant must not resurrect its memberships");
    }

    [TestMethod]
    public async Task ListMemberships_PageSize2Over5_StableOrderedAndComplete()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        // Inserted out of order; listed by (principal_id, team_id), tenant-wide ("") first.
        foreach (var (principal, team) in new[] { ("p3", ""), ("p1", "red"), ("p2", ""), ("p1", ""), ("p1", "blue") })
        {
            await s_service.GrantAsync(tenant, principal, team, "viewer");
        }

        var pages = await ListAllMembershipsAsync(tenant, null, 2);
        var again = await ListAllMembershipsAsync(tenant, null, 2);

        CollectionAssert.AreEqual(new[] { 2, 2, 1 }, pages.Select(p => p.Memberships.Count).ToArray());
        CollectionAssert.AreEqual(
            new[] { "p1/", "p1/blue", "p1/red", "p2/", "p3/" },
            pages.SelectMany(p => p.Memberships).Select(m => m.PrincipalId + "/" + m.TeamId).ToArray());
        Assert.AreEqual(string.Empty, pages[^1].NextPageToken);
        CollectionAssert.AreEqual(pages.Select(p => p.ToString()).ToArray(), again.Select(p => p.ToString()).ToArray());
    }

    [TestMethod]
    public async Task ListMemberships_PrincipalFilter_OnlyThatPrincipalPaged()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        foreach (var (principal, team) in new[] { ("p1", ""), ("p1", "red"), ("p1", "blue"), ("p10", ""), ("p", "") })
        {
            await s_service.GrantAsync(tenant, principal, team, "viewer");
        }

        var pages = await ListAllMembershipsAsync(tenant, "p1", 2);

        CollectionAssert.AreEqual(new[] { "", "blue", "red" }, pages.SelectMany(p => p.Memberships).Select(m => m.TeamId).ToArray());
        Assert.IsTrue(pages.SelectMany(p => p.Memberships).All(m => m.PrincipalId == "p1" && m.TenantId == tenant));
    }

    [TestMethod]
    public async Task ListMemberships_OtherTenantsMembers_NeverListed()
    {
        var tenant = Unique("t");
        var other = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.UpsertTenantAsync(other);
        await s_service.GrantAsync(tenant, "p", "", "viewer");
        await s_service.GrantAsync(other, "p", "", "org_admin");

        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PrincipalId = "p" });

        Assert.HasCount(1, listed.Memberships);
        Assert.AreEqual(tenant, listed.Memberships[0].TenantId);
        CollectionAssert.AreEqual(new[] { "viewer" }, listed.Memberships[0].Roles.ToArray());
    }

    [TestMethod]
    [DoNotParallelize]
    public async Task ListTenants_PageSize2_StableOrderedAndComplete()
    {
        // Alone (DoNotParallelize): other tests of this class create tenants in the same database.
        var prefix = Unique("list");
        foreach (var suffix in new[] { "e", "b", "d", "a", "c" })
        {
            await s_service.UpsertTenantAsync(prefix + "-" + suffix);
        }

        var all = await s_service.ListTenantsAsync(new ListTenantsRequest { PageSize = 1000 });
        var pages = new List<ListTenantsResponse>();
        var token = string.Empty;
        do
        {
            var page = await s_service.ListTenantsAsync(new ListTenantsRequest { PageSize = 2, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 1000);

        var paged = pages.SelectMany(p => p.Tenants).Select(t => t.Id).ToList();
        Assert.IsTrue(pages.All(p => p.Tenants.Count <= 2));
        CollectionAssert.AreEqual(all.Tenants.Select(t => t.Id).ToList(), paged);
        CollectionAssert.AreEqual(paged.Order(StringComparer.Ordinal).ToList(), paged, "id order");
        CollectionAssert.AllItemsAreUnique(paged);
        CollectionAssert.IsSubsetOf(new[] { "a", "b", "c", "d", "e" }.Select(s => prefix + "-" + s).ToList(), paged);
    }

    [TestMethod]
    public async Task Invalidate_EveryScope_BumpsOneGenerationAndTokenIsUsable()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p", "", "viewer");

        var principal = await s_service.InvalidateAsync(new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = tenant, PrincipalId = "p" } });
        var again = await s_service.InvalidateAsync(new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = tenant, PrincipalId = "p" } });
        var tenantScope = await s_service.InvalidateAsync(new InvalidateRequest { Tenant = new InvalidateRequest.Types.TenantScope { TenantId = tenant } });
        var policies = await s_service.InvalidateAsync(new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() });
        var request = Check(tenant, "p", "project", "read");
        request.Consistency = new Consistency { AtLeastAsFresh = principal.ConsistencyToken };
        var check = await s_service.CheckAsync(request);

        Assert.IsTrue(new[] { principal, again, tenantScope, policies }.All(r => r.GenerationsBumped == 1 && r.ConsistencyToken.Length > 0));
        Assert.IsGreaterThan(principal.NewVersion, again.NewVersion);
        Assert.AreEqual(Effect.Allow, check.Results[0].Actions["read"]);
    }

    private static async Task<List<ListMembershipsResponse>> ListAllMembershipsAsync(string tenant, string? principal, int pageSize)
    {
        var pages = new List<ListMembershipsResponse>();
        var token = string.Empty;
        do
        {
            var page = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PrincipalId = principal ?? "", PageSize = pageSize, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 100);

        return pages;
    }
}
