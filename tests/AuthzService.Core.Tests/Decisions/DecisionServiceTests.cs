using System.Text;
using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using AuthzService.Core.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Core.Tests.Decisions;

[TestClass]
public sealed class DecisionServiceTests
{
    private static readonly Dictionary<string, object?> NoAttr = [];

    private static DecisionService Service(FakePdp pdp, PrincipalSnapshot? snapshot = null) =>
        new(new FakePrincipalSource(snapshot ?? FakePrincipalSource.Snapshot(roles: "member")), pdp, NullLogger<DecisionService>.Instance);

    private static CheckQuery Command(string? jwt = null, params RequestedResource[] resources) => new(
        "req-1", new RequestedPrincipal("acme", "alice", null, new Dictionary<string, object?>()), resources, false, jwt, Freshness.Default);

    private static RequestedResource Resource(string id, IReadOnlyDictionary<string, object?>? attr = null, params string[] actions) =>
        new("document", id, attr ?? NoAttr, "", actions.Length == 0 ? ["allow_view", "deny_edit"] : actions);

    private static string Jwt(string payloadJson) =>
        "eyJhbGciOiJub25lIn0." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payloadJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".sig";

    [TestMethod]
    public async Task CheckAsync_MixedResources_ReturnsResultsInRequestOrder()
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp).CheckAsync(
            Command(null, Resource("d1"), Resource("d2", new Dictionary<string, object?> { ["tenant_id"] = "globex" }), Resource("d3")),
            CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "d1", "d2", "d3" }, outcome.Results.Select(r => r.Resource.Id).ToArray());
        Assert.AreEqual(Effect.Allow, outcome.Results[0].Actions["allow_view"]);
        Assert.AreEqual(Effect.Deny, outcome.Results[0].Actions["deny_edit"]);
        Assert.AreEqual(DenyReason.CrossTenant, outcome.Results[1].DenyReason);
        Assert.AreEqual(Effect.Deny, outcome.Results[1].Actions["allow_view"]);
        Assert.AreEqual(Effect.Allow, outcome.Results[2].Actions["allow_view"]);
    }

    [TestMethod]
    public async Task CheckAsync_CrossTenantResource_IsNeverSentToPdp()
    {
        var pdp = new FakePdp();
        await Service(pdp).CheckAsync(
            Command(null, Resource("mine"), Resource("theirs", new Dictionary<string, object?> { ["tenant_id"] = "globex" })),
            CancellationToken.None);

        Assert.HasCount(1, pdp.Checks);
        CollectionAssert.AreEqual(new[] { "mine" }, pdp.Checks[0].Resources.Select(r => r.Id).ToArray());
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow(42.0)]
    [DataRow("ACME")]
    public async Task CheckAsync_ResourceTenantPresentButNotExactlyOurs_IsCrossTenant(object? tenant)
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp).CheckAsync(
            Command(null, Resource("d", new Dictionary<string, object?> { ["tenant_id"] = tenant })), CancellationToken.None);

        Assert.AreEqual(DenyReason.CrossTenant, outcome.Results[0].DenyReason);
        Assert.IsEmpty(pdp.Checks);
    }

    [TestMethod]
    public async Task CheckAsync_ResourceInOurTenant_IsSentWithPrincipalScope()
    {
        var pdp = new FakePdp();
        await Service(pdp).CheckAsync(
            Command(null, Resource("d", new Dictionary<string, object?> { ["tenant_id"] = "acme" })), CancellationToken.None);

        Assert.AreEqual("acme", pdp.Checks[0].Resources[0].Scope);
        Assert.AreEqual("acme", pdp.Checks[0].Principal.Scope);
        Assert.AreEqual(new DecisionStamp("acme", 3, "alice", 7, 1), pdp.Checks[0].Stamp);
    }

    [TestMethod]
    [DataRow(TenantStatus.Suspended, DenyReason.TenantSuspended)]
    public async Task CheckAsync_SuspendedTenant_DeniesEverythingWithoutPdp(TenantStatus status, DenyReason reason)
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp, FakePrincipalSource.Snapshot(status, "org_admin")).CheckAsync(
            Command(null, Resource("d1"), Resource("d2")), CancellationToken.None);

        Assert.IsEmpty(pdp.Checks);
        Assert.IsTrue(outcome.Results.All(r => r.DenyReason == reason && r.Source == DecisionSource.Local));
        Assert.IsTrue(outcome.Results.SelectMany(r => r.Actions.Values).All(e => e == Effect.Deny));
    }

    [TestMethod]
    public async Task CheckAsync_UnknownTenant_DeniesEverythingWithoutPdp()
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp, new PrincipalSnapshot(null, null, null, 0, 0, 1)).CheckAsync(
            Command(null, Resource("d1")), CancellationToken.None);

        Assert.IsEmpty(pdp.Checks);
        Assert.AreEqual(DenyReason.TenantUnknown, outcome.Results[0].DenyReason);
        Assert.IsNull(outcome.Principal);
    }

    [TestMethod]
    public async Task CheckAsync_PdpOmitsAnAction_ThatActionIsDenied()
    {
        var pdp = new FakePdp(r => new PdpCheckResult(
            [new ResourceDecision("document", "d1", new Dictionary<string, Effect> { ["allow_view"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], [])],
            "c"));
        var outcome = await Service(pdp).CheckAsync(Command(null, Resource("d1", null, "allow_view", "allow_edit")), CancellationToken.None);

        Assert.AreEqual(Effect.Allow, outcome.Results[0].Actions["allow_view"]);
        Assert.AreEqual(Effect.Deny, outcome.Results[0].Actions["allow_edit"]);
    }

    [TestMethod]
    public async Task CheckAsync_PdpReturnsWrongNumberOfResults_ThrowsInsteadOfGuessing()
    {
        var pdp = new FakePdp(r => new PdpCheckResult([], "c"));
        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => Service(pdp).CheckAsync(Command(null, Resource("d1")), CancellationToken.None));
    }

    [TestMethod]
    public async Task CheckAsync_PdpUnavailable_Propagates()
    {
        var pdp = new FakePdp { Throw = new PdpUnavailableException("down") };
        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => Service(pdp).CheckAsync(Command(null, Resource("d1")), CancellationToken.None));
    }

    [TestMethod]
    public async Task CheckAsync_JwtNamingAnotherTenant_IsRejectedBeforeAnyLookup()
    {
        var pdp = new FakePdp();
        var source = new FakePrincipalSource(FakePrincipalSource.Snapshot(roles: "member"));
        var service = new DecisionService(source, pdp, NullLogger<DecisionService>.Instance);

        await Assert.ThrowsExactlyAsync<TenantMismatchException>(
            () => service.CheckAsync(Command(Jwt("{\"sub\":\"alice\",\"org_id\":\"globex\"}"), Resource("d1")), CancellationToken.None));
        Assert.AreEqual(0, source.Calls);
        Assert.IsEmpty(pdp.Checks);
    }

    [TestMethod]
    public async Task CheckAsync_JwtNamingOurTenantOrNone_IsAccepted()
    {
        var pdp = new FakePdp();
        await Service(pdp).CheckAsync(Command(Jwt("{\"sub\":\"alice\",\"tenant_id\":\"acme\"}"), Resource("d1")), CancellationToken.None);
        await Service(pdp).CheckAsync(Command(Jwt("{\"sub\":\"alice\"}"), Resource("d1")), CancellationToken.None);
        Assert.HasCount(2, pdp.Checks);
        Assert.IsNotNull(pdp.Checks[0].AuxJwt);
    }

    [TestMethod]
    [DataRow("not-a-jwt")]
    [DataRow("a.b")]
    [DataRow("a.!!!.c")]
    public void ContradictsTenant_UnreadableToken_IsTreatedAsContradicting(string jwt)
    {
        Assert.IsTrue(JwtTenantClaim.ContradictsTenant(jwt, "acme"));
    }

    [TestMethod]
    public async Task PlanAsync_CrossTenantAttributes_AlwaysDeniedWithoutPdp()
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp).PlanAsync(
            new PlanQuery("r", new RequestedPrincipal("acme", "alice", null, new Dictionary<string, object?>()), "document",
                new Dictionary<string, object?> { ["tenant_id"] = "globex" }, "", ["view"], false, null),
            CancellationToken.None);

        Assert.AreEqual(PlanKind.AlwaysDenied, outcome.Kind);
        Assert.AreEqual(DenyReason.CrossTenant, outcome.DenyReason);
        Assert.IsEmpty(pdp.Plans);
    }

    [TestMethod]
    public async Task PlanAsync_SuspendedTenant_AlwaysDenied()
    {
        var pdp = new FakePdp();
        var outcome = await Service(pdp, FakePrincipalSource.Snapshot(TenantStatus.Suspended, "org_admin")).PlanAsync(
            new PlanQuery("r", new RequestedPrincipal("acme", "alice", null, new Dictionary<string, object?>()), "document", NoAttr, "", ["view"], false, null),
            CancellationToken.None);

        Assert.AreEqual(PlanKind.AlwaysDenied, outcome.Kind);
        Assert.AreEqual(DenyReason.TenantSuspended, outcome.DenyReason);
        Assert.IsEmpty(pdp.Plans);
    }
}
