using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Audit;

[TestClass]
public sealed class AuditSamplingTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AllowSampleRateZero_NoAllowEventsButEveryDeny()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("audit_sampling", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            database, await CerbosServerFixture.GetSharedAsync(), new Dictionary<string, string?> { ["Audit:AllowSampleRate"] = "0" }, TestContext.CancellationToken);
        await service.CallAsync("authz.v1.MembershipService", "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
        await service.CallAsync("authz.v1.MembershipService", "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
        var request = new CheckResourcesRequest { RequestId = "sampled", TenantId = "acme", PrincipalId = "alice" };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Value.ForString("acme");
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read", "delete" } });

        for (var i = 0; i < 5; i++)
        {
            await service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser);
        }

        var decisions = service.Logs.Lines.Where(l => CapturingLoggerProvider.IsAudit(l, "audit.decision")).ToList();
        Assert.HasCount(5, decisions);
        Assert.IsTrue(decisions.All(d => d["Effect"] == "DENY" && d["Action"] == "delete"));
    }
}
