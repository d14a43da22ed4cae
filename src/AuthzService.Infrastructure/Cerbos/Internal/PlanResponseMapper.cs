using AuthzService.Contracts;
using AuthzService.Core.Decisions;
using Cerbos.Api.V1.Engine;
using Cerbos.Api.V1.Response;
using Operand = Cerbos.Api.V1.Engine.PlanResourcesFilter.Types.Expression.Types.Operand;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// Turns a PlanResources response into a <see cref="PdpPlanResult"/>. A plan we cannot read (no filter,
/// an unknown kind, a conditional plan without a condition, an empty operand) is a protocol error: a
/// caller filtering with a misread plan could list resources it must not see.
/// </summary>
internal static class PlanResponseMapper
{
    public static PdpPlanResult Map(PdpPlanRequest request, PlanResourcesResponse response)
    {
        if (response.ResourceKind.Length > 0 && response.ResourceKind != request.Kind)
        {
            throw new PdpProtocolException($"Plan is for resource kind '{response.ResourceKind}', expected '{request.Kind}'.");
        }

        var filter = response.Filter ?? throw new PdpProtocolException("Plan response has no filter.");
        var (kind, condition) = filter.Kind switch
        {
            PlanResourcesFilter.Types.Kind.AlwaysAllowed => (PlanKind.AlwaysAllowed, (PlanNode?)null),
            PlanResourcesFilter.Types.Kind.AlwaysDenied => (PlanKind.AlwaysDenied, null),
            PlanResourcesFilter.Types.Kind.Conditional => (PlanKind.Conditional, ToNode(
                filter.Condition ?? throw new PdpProtocolException("Conditional plan has no condition."))),
            _ => throw new PdpProtocolException($"Plan filter kind {filter.Kind} is not one we understand."),
        };

        return new PdpPlanResult(
            kind,
            condition,
            response.Meta?.FilterDebug ?? string.Empty,
            ValidationIssues.Map(response.ValidationErrors),
            response.CerbosCallId);
    }

    private static PlanNode ToNode(Operand operand) => operand.NodeCase switch
    {
        Operand.NodeOneofCase.Value => new PlanValueNode(ProtoValues.ToObject(operand.Value)),
        Operand.NodeOneofCase.Variable => new PlanVariableNode(operand.Variable),
        Operand.NodeOneofCase.Expression => new PlanExpressionNode(
            operand.Expression.Operator, [.. operand.Expression.Operands.Select(ToNode)]),
        _ => throw new PdpProtocolException("Plan condition has an empty operand."),
    };
}
