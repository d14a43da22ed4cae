using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Google.Protobuf.WellKnownTypes;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>PlanResources through the real API: the three plan kinds, and the local denials.</summary>
[TestClass]
public sealed class PlanResourcesEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_plan", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: context.CancellationToken);
        await s_service.UpsertTenantAsync("acme", scope: "acme", tier: "pro");
        await s_service.UpsertTenantAsync("halted", tier: "pro", status: TenantStatus.Suspended);
        await s_service.GrantAsync("acme", "alice", "", "org_admin");
        await s_service.GrantAsync("acme", "mia", "", "member");
        await s_service.GrantAsync("halted", "alice", "", "org_admin");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    public async Task PlanResources_AdminReadsDocumentsOfOwnTenant_AlwaysAllowed()
    {
        var request = Plan("acme", "alice", "document", "read");
        request.Resource.Attr["tenant_id"] = Value.ForString("acme");

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.AlwaysAllowed, response.Filter.Kind, response.ToString());
        Assert.IsNull(response.Filter.Condition);
    }

    [TestMethod]
    public async Task PlanResources_AdminWithoutTenantAttr_ConditionalOnTheRequestTenantOnly()
    {
        // Without attr.tenant_id the plan keeps the same-tenant rule: a list filtered by it never shows another tenant's rows.
        var response = await s_service.PlanAsync(Plan("acme", "alice", "document", "read"));

        Assert.AreEqual(PlanFilter.Types.Kind.Conditional, response.Filter.Kind, response.ToString());
        var variables = Variables(response.Filter.Condition).ToList();
        CollectionAssert.Contains(variables, "request.resource.attr.tenant_id");
        CollectionAssert.Contains(Values(response.Filter.Condition).ToList(), "acme");
    }

    [TestMethod]
    public async Task PlanResources_MemberUpdatesDocuments_ConditionalOnOwner()
    {
        var request = Plan("acme", "mia", "document", "update");
        request.Resource.Attr["tenant_id"] = Value.ForString("acme");
        request.IncludeMeta = true;

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.Conditional, response.Filter.Kind, response.ToString());
        CollectionAssert.Contains(Variables(response.Filter.Condition).ToList(), "request.resource.attr.owner_id");
        CollectionAssert.Contains(Values(response.Filter.Condition).ToList(), "mia");
        Assert.AreNotEqual(string.Empty, response.Meta.FilterDebug);
        Assert.AreEqual("acme", response.Meta.Scope);
        CollectionAssert.AreEqual(new[] { "member" }, response.Meta.Principal.Roles.ToArray());
    }

    [TestMethod]
    public async Task PlanResources_NonMember_AlwaysDenied()
    {
        var request = Plan("acme", "stranger", "document", "read");
        request.Resource.Attr["tenant_id"] = Value.ForString("acme");

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.AlwaysDenied, response.Filter.Kind, response.ToString());
    }

    [TestMethod]
    public async Task PlanResources_SuspendedTenant_AlwaysDeniedTenantSuspended()
    {
        var request = Plan("halted", "alice", "document", "read");
        request.IncludeMeta = true;

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.AlwaysDenied, response.Filter.Kind);
        Assert.AreEqual(DenyReason.TenantSuspended, response.Meta.DenyReason);
    }

    [TestMethod]
    public async Task PlanResources_UnknownTenant_AlwaysDeniedTenantUnknown()
    {
        var request = Plan("nowhere", "alice", "document", "read");
        request.IncludeMeta = true;

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.AlwaysDenied, response.Filter.Kind);
        Assert.AreEqual(DenyReason.TenantUnknown, response.Meta.DenyReason);
    }

    [TestMethod]
    public async Task PlanResources_AttrOfAnotherTenant_AlwaysDeniedCrossTenant()
    {
        var request = Plan("acme", "alice", "document", "read");
        request.Resource.Attr["tenant_id"] = Value.ForString("globex");
        request.IncludeMeta = true;

        var response = await s_service.PlanAsync(request);

        Assert.AreEqual(PlanFilter.Types.Kind.AlwaysDenied, response.Filter.Kind);
        Assert.AreEqual(DenyReason.CrossTenant, response.Meta.DenyReason);
    }

    private static IEnumerable<string> Variables(PlanExpression expression) =>
        expression.Operands.SelectMany(o => o.NodeCase switch
        {
            PlanOperand.NodeOneofCase.Variable => [o.Variable],
            PlanOperand.NodeOneofCase.Expression => Variables(o.Expression),
            _ => [],
        });

    private static IEnumerable<string> Values(PlanExpression expression) =>
        expression.Operands.SelectMany(o => o.NodeCase switch
        {
            PlanOperand.NodeOneofCase.Value when o.Value.KindCase == Value.KindOneofCase.StringValue => [o.Value.StringValue],
            PlanOperand.NodeOneofCase.Expression => Values(o.Expression),
            _ => Enumerable.Empty<string>(),
        });
}
