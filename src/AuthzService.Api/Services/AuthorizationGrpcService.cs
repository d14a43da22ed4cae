using AuthzService.Api.Mapping;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using Grpc.Core;

namespace AuthzService.Api.Services;

/// <summary>
/// <c>authz.v1.AuthorizationService</c>: map in, decide, map out. Validation, limits, caller bindings, the
/// decision audit and status mapping run as interceptors around it (see <c>ServingExtensions</c>).
/// </summary>
internal sealed class AuthorizationGrpcService(DecisionService decisions) : AuthorizationService.AuthorizationServiceBase
{
    public override async Task<CheckResourcesResponse> CheckResources(CheckResourcesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await decisions.CheckAsync(CheckMapping.ToCommand(request, context.Deadline), context.CancellationToken);
        DecisionOutcome.Record(context, outcome);
        return CheckMapping.ToResponse(request, outcome);
    }

    public override async Task<PlanResourcesResponse> PlanResources(PlanResourcesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = await decisions.PlanAsync(PlanMapping.ToCommand(request, context.Deadline), context.CancellationToken);
        DecisionOutcome.Record(context, outcome);
        return PlanMapping.ToResponse(request, outcome);
    }
}
