using System.Security.Cryptography.X509Certificates;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Security;

/// <summary>
/// Callers bound to tenants (<c>Auth:Callers:N:Tenants</c>) over mTLS: every method that names a tenant
/// refuses other tenants with PERMISSION_DENIED (audited, nothing changed), methods that span every tenant
/// are refused, and <c>include_meta</c> can be switched off per caller.
/// </summary>
[TestClass]
public sealed class CallerTenantBindingTests
{
    private const string Authorization = "authz.v1.AuthorizationService";
    private const string Membership = "authz.v1.MembershipService";
    private const string Cache = "authz.v1.CacheService";
    private static TlsMaterial s_tls = null!;
    private static AuthzServiceInstance s_service = null!;
    private static X509Certificate2 s_appCertificate = null!;
    private static X509Certificate2 s_adminCertificate = null!;
    private static GrpcChannel s_app = null!;
    private static GrpcChannel s_admin = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tls = new TlsMaterial();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("security_tenants", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Tls = s_tls.ServiceTls(s_tls.Client("operator")),
                Overrides = new Dictionary<string, string?>
                {
                    // Unrestricted: sets up the data and checks that refused calls changed nothing.
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
                    ["Auth:Callers:0:Services:0"] = Membership,
                    ["Auth:Callers:0:Services:1"] = Cache,
                    ["Auth:Callers:0:Services:2"] = Authorization,
                    // One tenant, decisions only, no decision metadata.
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("acme-app").ToString(),
                    ["Auth:Callers:1:Services:0"] = Authorization,
                    ["Auth:Callers:1:Tenants:0"] = "acme",
                    ["Auth:Callers:1:IncludeMeta"] = "false",
                    // A tenant and a prefix, every service.
                    ["Auth:Callers:2:Identity"] = TlsMaterial.Spiffe("acme-admin").ToString(),
                    ["Auth:Callers:2:Services:0"] = Membership,
                    ["Auth:Callers:2:Services:1"] = Cache,
                    ["Auth:Callers:2:Services:2"] = Authorization,
                    ["Auth:Callers:2:Tenants:0"] = "acme",
                    ["Auth:Callers:2:Tenants:1"] = "acme-*",
                },
            },
            context.CancellationToken);
        foreach (var tenant in new[] { "acme", "acme-eu", "acmeeu", "globex" })
        {
            await s_service.CallAsync(Membership, "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = tenant, DisplayName = tenant + " original" } }, UpsertTenantResponse.Parser);
            await s_service.CallAsync(Membership, "UpsertMembership", new UpsertMembershipRequest
            {
                Membership = new Contracts.V1.Membership { TenantId = tenant, PrincipalId = "alice", Roles = { "viewer" } },
            }, UpsertMembershipResponse.Parser);
        }

        s_appCertificate = s_tls.Client("acme-app");
        s_adminCertificate = s_tls.Client("acme-admin");
        s_app = Channel(s_appCertificate);
        s_admin = Channel(s_adminCertificate);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_app.Dispose();
        s_admin.Dispose();
        s_appCertificate.Dispose();
        s_adminCertificate.Dispose();
        await s_service.DisposeAsync();
        s_tls.Dispose();
    }

    private static GrpcChannel Channel(X509Certificate2 certificate) =>
        TestChannels.ForAddress(s_service.Address, s_tls.ServerCa.Ca, certificate);

    private static Task<TResponse> CallAsync<TResponse>(GrpcChannel channel, string service, string method, IMessage request, MessageParser<TResponse> parser)
        where TResponse : class, IMessage<TResponse> =>
        channel.CallUnaryAsync($"/{service}/{method}", request, parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));

    private static CheckResourcesRequest Check(string tenant, bool includeMeta = false)
    {
        var request = new CheckResourcesRequest { TenantId = tenant, PrincipalId = "alice", IncludeMeta = includeMeta };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Value.ForString(tenant);
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read" } });
        return request;
    }

    private static async Task AssertTenantDeniedAsync(GrpcChannel channel, string service, string method, IMessage request, string identity, string tenant, string reason = "tenant_not_allowed")
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => CallAsync(channel, service, method, request, Empty.Parser));

        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode, $"{method}: {ex.Status}");
        var audit = await s_service.Logs.WaitForAsync(l =>
            CapturingLoggerProvider.IsAudit(l, "audit.authorization_failed") && l["Reason"] == reason && l["Method"] == $"/{service}/{method}"
            && l["Caller"] == TlsMaterial.Spiffe(identity).ToString() && l["TenantId"] == tenant);
        Assert.IsNotNull(audit);
    }

    [TestMethod]
    public async Task CheckResources_CallerBoundToTheTenant_Answered()
    {
        var response = await CallAsync(s_app, Authorization, "CheckResources", Check("acme"), CheckResourcesResponse.Parser);

        Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_AnotherTenant_PermissionDeniedAndAudited()
    {
        await AssertTenantDeniedAsync(s_app, Authorization, "CheckResources", Check("globex"), "acme-app", "globex");
        // Exact ids are exact: neither a longer id nor another case matches.
        await AssertTenantDeniedAsync(s_app, Authorization, "CheckResources", Check("acme-eu"), "acme-app", "acme-eu");
        await AssertTenantDeniedAsync(s_app, Authorization, "CheckResources", Check("ACME"), "acme-app", "ACME");
    }

    [TestMethod]
    public async Task CheckResources_PrefixPattern_MatchesOnlyIdsWithThatPrefix()
    {
        var allowed = await CallAsync(s_admin, Authorization, "CheckResources", Check("acme-eu"), CheckResourcesResponse.Parser);

        Assert.AreEqual(Effect.Allow, allowed.Results[0].Actions["read"]);
        await AssertTenantDeniedAsync(s_admin, Authorization, "CheckResources", Check("acmeeu"), "acme-admin", "acmeeu");
    }

    [TestMethod]
    public async Task PlanResources_AnotherTenant_PermissionDenied()
    {
        var plan = new PlanResourcesRequest { TenantId = "globex", PrincipalId = "alice", Resource = new PlanResource { Kind = "document" }, Actions = { "read" } };

        await AssertTenantDeniedAsync(s_app, Authorization, "PlanResources", plan, "acme-app", "globex");
        plan.TenantId = "acme";
        var own = await CallAsync(s_app, Authorization, "PlanResources", plan, PlanResourcesResponse.Parser);
        Assert.IsNotNull(own);
    }

    [TestMethod]
    public async Task IncludeMeta_TurnedOffForTheCaller_PermissionDeniedWhileOthersGetIt()
    {
        await AssertTenantDeniedAsync(s_app, Authorization, "CheckResources", Check("acme", includeMeta: true), "acme-app", "acme", "include_meta_not_allowed");
        var plan = new PlanResourcesRequest { TenantId = "acme", PrincipalId = "alice", Resource = new PlanResource { Kind = "document" }, Actions = { "read" }, IncludeMeta = true };
        await AssertTenantDeniedAsync(s_app, Authorization, "PlanResources", plan, "acme-app", "acme", "include_meta_not_allowed");

        var withMeta = await CallAsync(s_admin, Authorization, "CheckResources", Check("acme", includeMeta: true), CheckResourcesResponse.Parser);

        Assert.IsNotNull(withMeta.Meta?.Principal, "a caller allowed include_meta gets the principal");
    }

    [TestMethod]
    public async Task MembershipWrites_AnotherTenant_PermissionDeniedAndNothingChanged()
    {
        await AssertTenantDeniedAsync(s_admin, Membership, "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "globex", DisplayName = "taken over" } }, "acme-admin", "globex");
        await AssertTenantDeniedAsync(s_admin, Membership, "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "globex", PrincipalId = "mallory", Roles = { "admin" } },
        }, "acme-admin", "globex");
        await AssertTenantDeniedAsync(s_admin, Membership, "DeleteMembership", new DeleteMembershipRequest { TenantId = "globex", PrincipalId = "alice" }, "acme-admin", "globex");
        await AssertTenantDeniedAsync(s_admin, Membership, "DeleteTenant", new DeleteTenantRequest { TenantId = "globex" }, "acme-admin", "globex");

        var tenant = await s_service.CallAsync(Membership, "GetTenant", new GetTenantRequest { TenantId = "globex" }, GetTenantResponse.Parser);
        var members = await s_service.CallAsync(Membership, "ListMemberships", new ListMembershipsRequest { TenantId = "globex" }, ListMembershipsResponse.Parser);
        Assert.AreEqual("globex original", tenant.Tenant.DisplayName);
        CollectionAssert.AreEqual(new[] { "alice" }, members.Memberships.Select(m => m.PrincipalId).ToArray());
        var admin = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.admin") && l["Method"] == $"/{Membership}/DeleteTenant" && l["Caller"] == TlsMaterial.Spiffe("acme-admin").ToString());
        Assert.AreEqual("PermissionDenied", admin["Status"]);
    }

    [TestMethod]
    public async Task MembershipReads_AnotherTenant_PermissionDenied()
    {
        await AssertTenantDeniedAsync(s_admin, Membership, "GetTenant", new GetTenantRequest { TenantId = "globex" }, "acme-admin", "globex");
        await AssertTenantDeniedAsync(s_admin, Membership, "ListMemberships", new ListMembershipsRequest { TenantId = "globex" }, "acme-admin", "globex");
    }

    [TestMethod]
    public async Task MembershipCalls_OwnTenants_Succeed()
    {
        var created = await CallAsync(s_admin, Membership, "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme-eu", PrincipalId = "bob", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
        var members = await CallAsync(s_admin, Membership, "ListMemberships", new ListMembershipsRequest { TenantId = "acme-eu" }, ListMembershipsResponse.Parser);
        var tenant = await CallAsync(s_admin, Membership, "GetTenant", new GetTenantRequest { TenantId = "acme" }, GetTenantResponse.Parser);

        Assert.AreEqual("bob", created.Membership.PrincipalId);
        CollectionAssert.Contains(members.Memberships.Select(m => m.PrincipalId).ToList(), "bob");
        Assert.AreEqual("acme", tenant.Tenant.Id);
    }

    [TestMethod]
    public async Task ListTenants_TenantBoundCaller_PermissionDeniedUnboundCallerServed()
    {
        await AssertTenantDeniedAsync(s_admin, Membership, "ListTenants", new ListTenantsRequest(), "acme-admin", "");

        var all = await s_service.CallAsync(Membership, "ListTenants", new ListTenantsRequest(), ListTenantsResponse.Parser);

        Assert.IsTrue(all.Tenants.Any(t => t.Id == "globex"));
    }

    [TestMethod]
    public async Task Invalidate_TenantBoundCaller_OwnScopesOnly()
    {
        var own = await CallAsync(s_admin, Cache, "Invalidate", new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "acme", PrincipalId = "alice" } }, InvalidateResponse.Parser);
        var ownTenant = await CallAsync(s_admin, Cache, "Invalidate", new InvalidateRequest { Tenant = new InvalidateRequest.Types.TenantScope { TenantId = "acme-eu" } }, InvalidateResponse.Parser);

        Assert.AreEqual(1, own.GenerationsBumped);
        Assert.AreEqual(1, ownTenant.GenerationsBumped);
        await AssertTenantDeniedAsync(s_admin, Cache, "Invalidate", new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "globex", PrincipalId = "alice" } }, "acme-admin", "globex");
        await AssertTenantDeniedAsync(s_admin, Cache, "Invalidate", new InvalidateRequest { Tenant = new InvalidateRequest.Types.TenantScope { TenantId = "globex" } }, "acme-admin", "globex");
        // The policy epoch is global: a tenant-bound caller may not bump it for everyone.
        await AssertTenantDeniedAsync(s_admin, Cache, "Invalidate", new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() }, "acme-admin", "");
    }

    [TestMethod]
    public async Task Health_TenantBoundCaller_Answered()
    {
        var health = await CallAsync(s_app, "grpc.health.v1.Health", "Check", new HealthCheckRequest(), HealthCheckResponse.Parser);

        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }
}
