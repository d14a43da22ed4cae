using AuthzService.Api.Security;
using AuthzService.Contracts.V1;
using Google.Protobuf;

namespace AuthzService.Api.Tests.Serving;

[TestClass]
public sealed class CallerTenantBindingTests
{
    private const string App = "spiffe://cluster.local/ns/shop/sa/app";
    private const string Check = "/authz.v1.AuthorizationService/CheckResources";
    private const string Upsert = "/authz.v1.MembershipService/UpsertMembership";

    private static CallerRule Rule(string identity, string[] services, string[]? tenants = null, bool includeMeta = true)
    {
        var rule = new CallerRule { Identity = identity, IncludeMeta = includeMeta };
        foreach (var service in services)
        {
            rule.Services.Add(service);
        }

        foreach (var tenant in tenants ?? [])
        {
            rule.Tenants.Add(tenant);
        }

        return rule;
    }

    [TestMethod]
    [DataRow("acme", true)]
    [DataRow("acme-eu", true)]
    [DataRow("acme-", false)]
    [DataRow("acmeeu", false)]
    [DataRow("ACME", false)]
    [DataRow("globex", false)]
    [DataRow("", false)]
    public void CheckTenant_ExactIdAndPrefix_OnlyThoseTenants(string tenant, bool allowed)
    {
        var list = CallerAllowList.From([Rule(App, ["authz.v1.AuthorizationService"], ["acme", "acme-*"])]);

        var reason = list.CheckTenant(App, Check, tenant, includeMeta: false);

        Assert.AreEqual(allowed ? null : CallerAllowList.TenantNotAllowed, reason);
    }

    [TestMethod]
    public void CheckTenant_CallSpanningEveryTenant_RefusedToBoundCallerOnly()
    {
        var list = CallerAllowList.From([Rule(App, ["authz.v1.MembershipService"], ["acme"]), Rule("ops.internal", ["authz.v1.MembershipService"])]);

        Assert.AreEqual(CallerAllowList.TenantNotAllowed, list.CheckTenant(App, "/authz.v1.MembershipService/ListTenants", null, false));
        Assert.IsNull(list.CheckTenant("ops.internal", "/authz.v1.MembershipService/ListTenants", null, false));
        Assert.IsTrue(list.IsRestricted(App));
        Assert.IsFalse(list.IsRestricted("OPS.internal"));
    }

    [TestMethod]
    public void CheckTenant_IncludeMetaOff_RefusedOnlyWhenAskedFor()
    {
        var list = CallerAllowList.From([Rule(App, ["authz.v1.AuthorizationService"], includeMeta: false)]);

        Assert.IsNull(list.CheckTenant(App, Check, "acme", includeMeta: false));
        Assert.AreEqual(CallerAllowList.IncludeMetaNotAllowed, list.CheckTenant(App, Check, "acme", includeMeta: true));
        Assert.IsTrue(list.IsRestricted(App));
    }

    [TestMethod]
    public void CheckTenant_SeveralEntriesForOneIdentity_EachEntryJudgedOnItsOwn()
    {
        // Decisions about any tenant, but directory writes only in acme: the entries do not blend.
        var list = CallerAllowList.From([
            Rule(App, ["authz.v1.AuthorizationService"]),
            Rule(App, ["authz.v1.MembershipService"], ["acme"]),
        ]);

        Assert.IsNull(list.CheckTenant(App, Check, "globex", false));
        Assert.IsNull(list.CheckTenant(App, Upsert, "acme", false));
        Assert.AreEqual(CallerAllowList.TenantNotAllowed, list.CheckTenant(App, Upsert, "globex", false));
    }

    [TestMethod]
    public void CheckTenant_Health_AlwaysAllowed()
    {
        var list = CallerAllowList.From([Rule(App, ["authz.v1.AuthorizationService"], ["acme"])]);

        Assert.IsNull(list.CheckTenant(App, "/grpc.health.v1.Health/Check", null, false));
    }

    [TestMethod]
    public void RequestTenant_EveryMethodOfOurServices_NamesItsTenantOrIsKnownToSpanAll()
    {
        // Each request type of our services with its tenant set to "t1"; null = spans every tenant. A method added
        // later fails this test until it is listed here and in RequestTenant (until then bound callers are refused it).
        var samples = new Dictionary<string, (IMessage Request, string? Tenant)>(StringComparer.Ordinal)
        {
            ["CheckResourcesRequest"] = (new CheckResourcesRequest { TenantId = "t1" }, "t1"),
            ["PlanResourcesRequest"] = (new PlanResourcesRequest { TenantId = "t1" }, "t1"),
            ["UpsertTenantRequest"] = (new UpsertTenantRequest { Tenant = new Tenant { Id = "t1" } }, "t1"),
            ["DeleteTenantRequest"] = (new DeleteTenantRequest { TenantId = "t1" }, "t1"),
            ["GetTenantRequest"] = (new GetTenantRequest { TenantId = "t1" }, "t1"),
            ["ListTenantsRequest"] = (new ListTenantsRequest(), null),
            ["UpsertMembershipRequest"] = (new UpsertMembershipRequest { Membership = new Membership { TenantId = "t1" } }, "t1"),
            ["DeleteMembershipRequest"] = (new DeleteMembershipRequest { TenantId = "t1" }, "t1"),
            ["ListMembershipsRequest"] = (new ListMembershipsRequest { TenantId = "t1" }, "t1"),
            ["InvalidateRequest"] = (new InvalidateRequest { Tenant = new() { TenantId = "t1" } }, "t1"),
        };
        var inputs = new[] { AuthorizationReflection.Descriptor, MembershipReflection.Descriptor, CacheReflection.Descriptor }
            .SelectMany(f => f.Services).SelectMany(s => s.Methods).Select(m => m.InputType.Name).ToList();

        CollectionAssert.AreEquivalent(samples.Keys.ToList(), inputs, "a method was added or removed: update RequestTenant and this test");
        foreach (var (name, (request, tenant)) in samples)
        {
            Assert.AreEqual(tenant, RequestTenant.Of(request), name);
        }

        Assert.AreEqual(string.Empty, RequestTenant.Of(new UpsertTenantRequest()), "a missing tenant names no tenant, it does not span all");
    }

    [TestMethod]
    public void RequestTenant_InvalidateScopes_PrincipalAndTenantNamedPoliciesSpanAll()
    {
        Assert.AreEqual("t1", RequestTenant.Of(new InvalidateRequest { Principal = new() { TenantId = "t1", PrincipalId = "p" } }));
        Assert.AreEqual("t1", RequestTenant.Of(new InvalidateRequest { Tenant = new() { TenantId = "t1" } }));
        Assert.IsNull(RequestTenant.Of(new InvalidateRequest { Policies = new() }));
        Assert.IsNull(RequestTenant.Of(new InvalidateRequest()));
    }

    [TestMethod]
    public void RequestTenant_IncludeMeta_CheckAndPlan()
    {
        Assert.IsTrue(RequestTenant.AsksForMeta(new CheckResourcesRequest { IncludeMeta = true }));
        Assert.IsTrue(RequestTenant.AsksForMeta(new PlanResourcesRequest { IncludeMeta = true }));
        Assert.IsFalse(RequestTenant.AsksForMeta(new CheckResourcesRequest()));
        Assert.IsFalse(RequestTenant.AsksForMeta(new GetTenantRequest()));
    }
}
