using AuthzService.Contracts.V1;
using AuthzService.Grpc;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Service;

/// <summary>Tenancy through the real API: real service, real PostgreSQL, real Cerbos.</summary>
[TestClass]
public sealed class TenancyEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_tenancy", context.CancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        s_service = await AuthzServiceInstance.StartAsync(database, cerbos, cancellationToken: context.CancellationToken);
        foreach (var (id, scope, tier) in new[] { ("acme", "acme", "pro"), ("globex", "", "free") })
        {
            await Membership("UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = id, CerbosScope = scope, Tier = tier } }, UpsertTenantResponse.Parser);
        }

        await Upsert("acme", "alice", "", "org_admin");
        await Upsert("globex", "alice", "", "viewer");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    private static Task<TResponse> Membership<TRequest, TResponse>(string method, TRequest request, Google.Protobuf.MessageParser<TResponse> parser)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse> =>
        s_service.CallAsync("authz.v1.MembershipService", method, request, parser);

    private static Task<UpsertMembershipResponse> Upsert(string tenant, string principal, string team, params string[] roles) =>
        Membership("UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = tenant, PrincipalId = principal, TeamId = team, Roles = { roles } },
        }, UpsertMembershipResponse.Parser);

    private static Task<CheckResourcesResponse> Check(string tenant, string principal, string resourceTenant, params string[] actions)
    {
        var request = new CheckResourcesRequest { TenantId = tenant, PrincipalId = principal, RequestId = "t" };
        var resource = new Resource { Kind = "document", Id = "doc-1" };
        resource.Attr["tenant_id"] = Value.ForString(resourceTenant);
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { actions } });
        return s_service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser);
    }

    [TestMethod]
    public async Task CheckResources_AdminInAViewerInB_AdminRightsOnlyInA()
    {
        var inA = await Check("acme", "alice", "acme", "read", "delete");
        var inB = await Check("globex", "alice", "globex", "read", "delete");

        Assert.AreEqual(Effect.Allow, inA.Results[0].Actions["delete"]);
        Assert.AreEqual(Effect.Allow, inB.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, inB.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckResources_ResourceOfAnotherTenant_DeniedAsCrossTenant()
    {
        var response = await Check("acme", "alice", "globex", "read");

        Assert.AreEqual(Effect.Deny, response.Results[0].Actions["read"]);
        Assert.AreEqual(DenyReason.CrossTenant, response.Results[0].DenyReason);
    }

    [TestMethod]
    public async Task CheckResources_InvalidRequest_InvalidArgumentNamingFields()
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => Check("", "alice", "acme"));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.Contains(ex.Status.Detail, "tenant_id: is required");
        StringAssert.Contains(ex.Status.Detail, "resources[0].actions:");
    }
}
