using AuthzService.Contracts;
using AuthzService.Core.Decisions;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.Api.Mapping;

/// <summary>Maps PlanResources between the wire and the domain.</summary>
internal static class PlanMapping
{
    public static PlanQuery ToCommand(V1.PlanResourcesRequest request, DateTime? deadline = null) => new(
        request.RequestId,
        CheckMapping.PrincipalOf(request.TenantId, request.PrincipalId, request.TeamId, request.PrincipalContext),
        request.Resource.Kind,
        ProtoValues.ToDictionary(request.Resource.Attr),
        request.Resource.PolicyVersion,
        [.. request.Actions],
        request.IncludeMeta,
        string.IsNullOrEmpty(request.AuxData?.Jwt) ? null : request.AuxData.Jwt)
    {
        AuxKeySetId = string.IsNullOrEmpty(request.AuxData?.KeySetId) ? null : request.AuxData.KeySetId,
        Deadline = CheckMapping.DeadlineOf(deadline),
    };

    public static V1.PlanResourcesResponse ToResponse(V1.PlanResourcesRequest request, PlanOutcome outcome)
    {
        var response = new V1.PlanResourcesResponse
        {
            RequestId = request.RequestId,
            Filter = new V1.PlanFilter
            {
                Kind = outcome.Kind switch
                {
                    PlanKind.AlwaysAllowed => V1.PlanFilter.Types.Kind.AlwaysAllowed,
                    PlanKind.Conditional => V1.PlanFilter.Types.Kind.Conditional,
                    _ => V1.PlanFilter.Types.Kind.AlwaysDenied,
                },
            },
        };
        if (outcome.Kind == PlanKind.Conditional && outcome.Condition is not null)
        {
            response.Filter.Condition = ToExpression(outcome.Condition);
        }

        response.ValidationErrors.AddRange(outcome.ValidationErrors.Select(CheckMapping.ToProto));
        if (request.IncludeMeta)
        {
            response.Meta = new V1.PlanMeta
            {
                Principal = CheckMapping.PrincipalView(outcome.Principal),
                Scope = outcome.Scope,
                FilterDebug = outcome.FilterDebug,
                DenyReason = CheckMapping.ToProto(outcome.DenyReason),
            };
        }

        return response;
    }

    /// <summary>The root of a plan is always an expression; a bare value or variable is wrapped as the only operand.</summary>
    private static V1.PlanExpression ToExpression(PlanNode node) => node switch
    {
        PlanExpressionNode e => new V1.PlanExpression { Operator = e.Operator, Operands = { e.Operands.Select(ToOperand) } },
        _ => new V1.PlanExpression { Operator = "identity", Operands = { ToOperand(node) } },
    };

    private static V1.PlanOperand ToOperand(PlanNode node) => node switch
    {
        PlanExpressionNode e => new V1.PlanOperand { Expression = ToExpression(e) },
        PlanVariableNode v => new V1.PlanOperand { Variable = v.Name },
        PlanValueNode v => new V1.PlanOperand { Value = ProtoValues.FromObject(v.Value) },
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
