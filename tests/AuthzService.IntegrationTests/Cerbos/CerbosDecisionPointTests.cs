using AuthzService.Core.Decisions;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>The adapter against the real Cerbos with the repository's policies, over mTLS.</summary>
[TestClass]
public sealed class CerbosDecisionPointTests
{
    private static CerbosAdapter s_adapter = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_adapter = new CerbosAdapter(await CerbosServerFixture.GetSharedAsync());

    [ClassCleanup]
    public static void Cleanup() => s_adapter?.Dispose();

    [TestMethod]
    [DataRow("project", "read", "delete")]
    [DataRow("document", "update", "delete")]
    public async Task CheckAsync_OwnerInSameTenant_AllowsAndDeniesPerPolicy(string kind, string allowed, string denied)
    {
        var request = Check(
            Principal("gx_member", "globex", "member"),
            Resource(kind, "gx-1", "globex", "gx_member", string.Empty, allowed, denied));

        var result = await s_adapter.DecisionPoint.CheckAsync(request, CancellationToken.None);

        Assert.IsFalse(result.ProtocolError);
        Assert.IsFalse(string.IsNullOrEmpty(result.CallId));
        var decision = result.Results.Single();
        Assert.AreEqual(Effect.Allow, decision.Actions[allowed]);
        Assert.AreEqual(Effect.Deny, decision.Actions[denied]);
        StringAssert.Contains(decision.Matches[allowed].MatchedPolicy, kind);
    }

    [TestMethod]
    public async Task CheckAsync_BillingContact_ReadsButCannotCancel()
    {
        var request = Check(
            Principal("gx_billing", "globex", "member"),
            Resource("billing_account", "gx-billing", "globex", "gx_billing", string.Empty, "read", "view_invoices", "cancel"));

        var result = await s_adapter.DecisionPoint.CheckAsync(request, CancellationToken.None);

        var actions = result.Results.Single().Actions;
        Assert.AreEqual(Effect.Allow, actions["read"]);
        Assert.AreEqual(Effect.Allow, actions["view_invoices"]);
        Assert.AreEqual(Effect.Deny, actions["cancel"]);
        Assert.IsFalse(result.ProtocolError);
    }

    [TestMethod]
    public async Task CheckAsync_AdminWithMfaInContext_MayCancelBilling()
    {
        var withMfa = Principal("gx_admin", "globex", "org_admin", context: new Dictionary<string, object?> { ["mfa"] = true });
        var withoutMfa = Principal("gx_admin", "globex", "org_admin", context: new Dictionary<string, object?> { ["mfa"] = false });
        var billing = Resource("billing_account", "gx-billing", "globex", "gx_billing", string.Empty, "cancel");

        var allowed = await s_adapter.DecisionPoint.CheckAsync(Check(withMfa, billing), CancellationToken.None);
        var denied = await s_adapter.DecisionPoint.CheckAsync(Check(withoutMfa, billing), CancellationToken.None);

        Assert.AreEqual(Effect.Allow, allowed.Results[0].Actions["cancel"]);
        Assert.AreEqual(Effect.Deny, denied.Results[0].Actions["cancel"]);
    }

    [TestMethod]
    public async Task CheckAsync_CrossTenantResource_IsDeniedForEveryKind()
    {
        var request = Check(
            Principal("gx_admin", "globex", "org_admin"),
            Resource("project", "in-1", "initech", "in_member", string.Empty, "read"),
            Resource("document", "in-2", "initech", "in_member", string.Empty, "read"),
            Resource("billing_account", "in-3", "initech", "in_member", string.Empty, "read"));

        var result = await s_adapter.DecisionPoint.CheckAsync(request, CancellationToken.None);

        Assert.HasCount(3, result.Results);
        CollectionAssert.AreEqual(new[] { "in-1", "in-2", "in-3" }, result.Results.Select(r => r.Id).ToArray());
        Assert.IsTrue(result.Results.All(r => r.Actions["read"] == Effect.Deny));
    }

    [TestMethod]
    public async Task CheckAsync_AcmeScope_HonoursTheOverride()
    {
        var owner = Principal("ac_member", "acme", "member", tier: "enterprise", scope: "acme");

        var scoped = await s_adapter.DecisionPoint.CheckAsync(
            Check(owner, Resource("document", "ac-doc-1", "acme", "ac_member", "acme", "delete")), CancellationToken.None);
        var unscoped = await s_adapter.DecisionPoint.CheckAsync(
            Check(owner with { Scope = string.Empty }, Resource("document", "ac-doc-1", "acme", "ac_member", string.Empty, "delete")),
            CancellationToken.None);

        Assert.AreEqual(Effect.Allow, scoped.Results[0].Actions["delete"]);
        Assert.AreEqual("acme", scoped.Results[0].Matches["delete"].MatchedScope);
        Assert.AreEqual(Effect.Deny, unscoped.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckAsync_ScopeWithoutOverride_FallsBackToBasePolicy()
    {
        var member = Principal("gx_member", "globex", "member", scope: "globex");

        var result = await s_adapter.DecisionPoint.CheckAsync(
            Check(member, Resource("document", "gx-doc-3", "globex", "gx_member", "globex", "update", "delete")), CancellationToken.None);

        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["update"]);
        Assert.AreEqual(Effect.Deny, result.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckAsync_ResourceFailingSchema_DeniesWithValidationErrors()
    {
        var resource = new PdpResource("project", "bad-1", new Dictionary<string, object?> { ["owner_id"] = "gx_member" }, string.Empty, string.Empty, ["read"]);

        var result = await s_adapter.DecisionPoint.CheckAsync(Check(Principal("gx_member", "globex", "member"), resource), CancellationToken.None);

        Assert.AreEqual(Effect.Deny, result.Results[0].Actions["read"]);
        Assert.IsNotEmpty(result.Results[0].ValidationErrors);
        Assert.AreEqual("resource", result.Results[0].ValidationErrors[0].Source);
    }

    [TestMethod]
    public async Task PlanAsync_MemberReadWithKnownTenant_IsAlwaysAllowed()
    {
        var request = Plan(Principal("gx_member", "globex", "member"), "document", "read") with
        {
            Attributes = new Dictionary<string, object?> { ["tenant_id"] = "globex" },
        };

        var plan = await s_adapter.DecisionPoint.PlanAsync(request, CancellationToken.None);

        Assert.AreEqual(PlanKind.AlwaysAllowed, plan.Kind, plan.FilterDebug);
        Assert.IsNull(plan.Condition);
    }

    [TestMethod]
    public async Task PlanAsync_NonMember_IsAlwaysDenied()
    {
        var plan = await s_adapter.DecisionPoint.PlanAsync(
            Plan(Principal("gx_outsider", "globex", "non_member"), "project", "read"), CancellationToken.None);

        Assert.AreEqual(PlanKind.AlwaysDenied, plan.Kind, plan.FilterDebug);
    }

    [TestMethod]
    public async Task PlanAsync_MemberUpdate_IsConditionalOnResourceAttributes()
    {
        var plan = await s_adapter.DecisionPoint.PlanAsync(
            Plan(Principal("gx_member", "globex", "member"), "document", "update"), CancellationToken.None);

        Assert.AreEqual(PlanKind.Conditional, plan.Kind);
        Assert.IsInstanceOfType<PlanExpressionNode>(plan.Condition);
        var variables = Flatten(plan.Condition).OfType<PlanVariableNode>().Select(v => v.Name).ToList();
        CollectionAssert.Contains(variables, "request.resource.attr.owner_id", plan.FilterDebug);
        Assert.IsTrue(Flatten(plan.Condition).OfType<PlanValueNode>().Any(v => Equals(v.Value, "gx_member")), plan.FilterDebug);
        Assert.IsFalse(string.IsNullOrEmpty(plan.FilterDebug));
        Assert.IsFalse(string.IsNullOrEmpty(plan.CallId));
    }

    private static IEnumerable<PlanNode> Flatten(PlanNode? node) => node switch
    {
        PlanExpressionNode e => e.Operands.SelectMany(Flatten).Prepend(e),
        null => [],
        _ => [node],
    };
}
