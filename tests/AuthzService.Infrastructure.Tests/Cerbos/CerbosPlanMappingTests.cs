using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using Cerbos.Api.V1.Engine;
using Cerbos.Api.V1.Response;
using Google.Protobuf.WellKnownTypes;
using static AuthzService.Testing.CerbosTestData;
using Kind = Cerbos.Api.V1.Engine.PlanResourcesFilter.Types.Kind;
using Operand = Cerbos.Api.V1.Engine.PlanResourcesFilter.Types.Expression.Types.Operand;

namespace AuthzService.Infrastructure.Tests.Cerbos;

/// <summary>Pure tests (no network) of PlanResources mapping: a plan we cannot read is never returned.</summary>
[TestClass]
public sealed class CerbosPlanMappingTests
{
    private readonly FakeCerbosCaller _cerbos = new();

    [TestMethod]
    public async Task PlanAsync_ConditionalTree_MapsOperatorsVariablesAndValues()
    {
        var and = new PlanResourcesFilter.Types.Expression { Operator = "and" };
        and.Operands.Add(Eq("request.resource.attr.owner_id", Value.ForString("gx_member")));
        and.Operands.Add(Eq("request.resource.attr.size", Value.ForNumber(3)));
        _cerbos.Plan = _ => Response(Kind.Conditional, new Operand { Expression = and });

        var plan = await NewAdapter().PlanAsync(NewRequest(), CancellationToken.None);

        Assert.AreEqual(PlanKind.Conditional, plan.Kind);
        var root = (PlanExpressionNode)plan.Condition!;
        Assert.AreEqual("and", root.Operator);
        var first = (PlanExpressionNode)root.Operands[0];
        Assert.AreEqual(new PlanVariableNode("request.resource.attr.owner_id"), first.Operands[0]);
        Assert.AreEqual(new PlanValueNode("gx_member"), first.Operands[1]);
        Assert.AreEqual(new PlanValueNode(3.0), ((PlanExpressionNode)root.Operands[1]).Operands[1]);
        Assert.AreEqual("debug", plan.FilterDebug);
        Assert.AreEqual("call-9", plan.CallId);
    }

    [TestMethod]
    public async Task PlanAsync_Request_UsesActionsScopeAndAttributes()
    {
        _cerbos.Plan = _ => Response(Kind.AlwaysDenied, null);
        var request = NewRequest() with { Scope = "acme", Attributes = new Dictionary<string, object?> { ["tenant_id"] = "acme" } };

        await NewAdapter().PlanAsync(request, CancellationToken.None);

        var sent = _cerbos.LastPlan!;
        CollectionAssert.AreEqual(new[] { "read" }, sent.Actions.ToArray());
#pragma warning disable CS0612 // Checking that the deprecated single `action` field stays unset.
        Assert.AreEqual(string.Empty, sent.Action);
#pragma warning restore CS0612
        Assert.AreEqual("acme", sent.Resource.Scope);
        Assert.AreEqual("acme", sent.Resource.Attr["tenant_id"].StringValue);
    }

    [TestMethod]
    public async Task PlanAsync_UnspecifiedKind_ThrowsProtocolException()
    {
        _cerbos.Plan = _ => Response(Kind.Unspecified, null);

        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => NewAdapter().PlanAsync(NewRequest(), CancellationToken.None));
    }

    [TestMethod]
    public async Task PlanAsync_ConditionalWithoutCondition_ThrowsProtocolException()
    {
        _cerbos.Plan = _ => Response(Kind.Conditional, null);

        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => NewAdapter().PlanAsync(NewRequest(), CancellationToken.None));
    }

    [TestMethod]
    public async Task PlanAsync_EmptyOperand_ThrowsProtocolException()
    {
        var expression = new PlanResourcesFilter.Types.Expression { Operator = "not" };
        expression.Operands.Add(new Operand());
        _cerbos.Plan = _ => Response(Kind.Conditional, new Operand { Expression = expression });

        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => NewAdapter().PlanAsync(NewRequest(), CancellationToken.None));
    }

    [TestMethod]
    public async Task PlanAsync_PlanForAnotherKind_ThrowsProtocolException()
    {
        _cerbos.Plan = _ =>
        {
            var response = Response(Kind.AlwaysAllowed, null);
            response.ResourceKind = "billing_account";
            return response;
        };

        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => NewAdapter().PlanAsync(NewRequest(), CancellationToken.None));
    }

    private static PdpPlanRequest NewRequest() => Plan(Principal("gx_member", "globex", "member"), "document", "read");

    private static Operand Eq(string variable, Value value)
    {
        var eq = new PlanResourcesFilter.Types.Expression { Operator = "eq" };
        eq.Operands.Add(new Operand { Variable = variable });
        eq.Operands.Add(new Operand { Value = value });
        return new Operand { Expression = eq };
    }

    private static PlanResourcesResponse Response(Kind kind, Operand? condition) => new()
    {
        ResourceKind = "document",
        CerbosCallId = "call-9",
        Filter = new PlanResourcesFilter { Kind = kind, Condition = condition },
        Meta = new PlanResourcesResponse.Types.Meta { FilterDebug = "debug" },
    };

    private CerbosDecisionPoint NewAdapter() => new(
        _cerbos, new CerbosOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
}
