using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// Every validation rule, broken once through the real API: INVALID_ARGUMENT whose message names the
/// field, and a rejected write leaves the directory as it was.
/// </summary>
[TestClass]
public sealed class ValidationEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_validation", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme");
        await s_service.GrantAsync("acme", "alice", "", "org_admin");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    [DynamicData(nameof(InvalidRequests.CheckResources), typeof(InvalidRequests))]
    public Task CheckResources_BreaksOneRule_InvalidArgumentNamingField(InvalidRequestCase invalid) => AssertRejectedAsync(invalid);

    [TestMethod]
    [DynamicData(nameof(InvalidRequests.PlanResources), typeof(InvalidRequests))]
    public Task PlanResources_BreaksOneRule_InvalidArgumentNamingField(InvalidRequestCase invalid) => AssertRejectedAsync(invalid);

    [TestMethod]
    [DynamicData(nameof(InvalidRequests.Membership), typeof(InvalidRequests))]
    public Task MembershipService_BreaksOneRule_InvalidArgumentNamingField(InvalidRequestCase invalid) => AssertRejectedAsync(invalid);

    [TestMethod]
    [DynamicData(nameof(InvalidRequests.Cache), typeof(InvalidRequests))]
    public Task CacheServiceInvalidate_BreaksOneRule_InvalidArgumentNamingField(InvalidRequestCase invalid) => AssertRejectedAsync(invalid);

    [TestMethod]
    public async Task ValidRequests_BaselineOfEveryCase_Accepted()
    {
        // The invalid cases start from these; if a baseline were itself invalid, the cases would prove nothing.
        var check = await s_service.CheckAsync(InvalidRequests.ValidCheck());
        var plan = await s_service.PlanAsync(InvalidRequests.ValidPlan());

        Assert.AreEqual(Effect.Allow, check.Results[0].Actions["read"]);
        Assert.AreNotEqual(PlanFilter.Types.Kind.AlwaysDenied, plan.Filter.Kind);
    }

    [TestMethod]
    public async Task CheckResources_SeveralViolations_OneMessageNamingEveryField()
    {
        var request = Check("", "", Entry(Resource("", "", "acme")));
        request.TeamId = "a\nb";

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        foreach (var field in new[] { "tenant_id: is required", "team_id:", "principal_id: is required", "resources[0].resource.kind:", "resources[0].resource.id:", "resources[0].actions:" })
        {
            StringAssert.Contains(ex.Status.Detail, field);
        }
    }

    [TestMethod]
    public async Task UpsertMembership_Invalid_LeavesMembershipsUnchanged()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p", "", "viewer");
        var before = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });
        var invalid = new UpsertMembershipRequest { Membership = Membership(tenant, "p", "", "org_admin", "org_admin") };
        var reserved = new UpsertMembershipRequest { Membership = Membership(tenant, "q", "", "org_admin") };
        reserved.Membership.Attr["tenant_id"] = Value.ForString("globex");

        await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(invalid));
        await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(reserved));
        var after = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant });
        var check = await s_service.CheckAsync(Check(tenant, "p", "project", "delete"));

        Assert.AreEqual(before, after);
        Assert.AreEqual(Effect.Deny, check.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task UpsertTenant_Invalid_LeavesTenantUnchanged()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant, tier: "pro");
        var before = await s_service.GetTenantAsync(new GetTenantRequest { TenantId = tenant });
        var invalid = new UpsertTenantRequest { Tenant = new Tenant { Id = tenant, Status = TenantStatus.Suspended, Tier = "gold" } };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertTenantAsync(invalid));
        var after = await s_service.GetTenantAsync(new GetTenantRequest { TenantId = tenant });

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.AreEqual(before, after);
        Assert.AreEqual(TenantStatus.Active, after.Tenant.Status);
    }

    [TestMethod]
    public async Task ListMemberships_PageTokenOfAnotherTenant_InvalidArgument()
    {
        var tenant = Unique("t");
        await s_service.UpsertTenantAsync(tenant);
        await s_service.GrantAsync(tenant, "p1", "", "viewer");
        await s_service.GrantAsync(tenant, "p2", "", "viewer");
        var page = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = tenant, PageSize = 1 });

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() =>
            s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = "acme", PageSize = 1, PageToken = page.NextPageToken }));

        Assert.AreNotEqual(string.Empty, page.NextPageToken);
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "page_token");
    }

    private static async Task AssertRejectedAsync(InvalidRequestCase invalid)
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => CallAsync(invalid.Request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode, ex.Status.Detail);
        StringAssert.Contains(ex.Status.Detail, invalid.Expected);
    }

    private static Task CallAsync(IMessage request) => request switch
    {
        CheckResourcesRequest r => s_service.CheckAsync(r),
        PlanResourcesRequest r => s_service.PlanAsync(r),
        UpsertTenantRequest r => s_service.UpsertTenantAsync(r),
        DeleteTenantRequest r => s_service.DeleteTenantAsync(r),
        GetTenantRequest r => s_service.GetTenantAsync(r),
        ListTenantsRequest r => s_service.ListTenantsAsync(r),
        UpsertMembershipRequest r => s_service.UpsertMembershipAsync(r),
        DeleteMembershipRequest r => s_service.DeleteMembershipAsync(r),
        ListMembershipsRequest r => s_service.ListMembershipsAsync(r),
        InvalidateRequest r => s_service.InvalidateAsync(r),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request.GetType().Name),
    };
}
