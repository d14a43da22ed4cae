using AuthzService.Api.Mapping;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using AuthzService.Grpc.Server;
using FluentValidation;

namespace AuthzService.Api.Services;

/// <summary><c>authz.v1.AuthorizationService</c>: validate, map, decide, map back.</summary>
internal sealed class AuthorizationGrpcService(
    DecisionService decisions,
    IValidator<CheckResourcesRequest> checkValidator,
    IValidator<PlanResourcesRequest> planValidator) : IGrpcService<AuthorizationGrpcService>
{
    public const string ServiceName = "authz.v1.AuthorizationService";

    public static void BindService(GrpcServiceBinder<AuthorizationGrpcService> binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder
            .AddUnaryMethod<CheckResourcesRequest, CheckResourcesResponse>(
                ServiceName, "CheckResources", CheckResourcesRequest.Parser, (s, r, c) => s.CheckResourcesAsync(r, c))
            .AddUnaryMethod<PlanResourcesRequest, PlanResourcesResponse>(
                ServiceName, "PlanResources", PlanResourcesRequest.Parser, (s, r, c) => s.PlanResourcesAsync(r, c));
    }

    private static DateTime? DeadlineOf(ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : context.Deadline;

    public async Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, ServerCallContext context)
    {
        checkValidator.ThrowIfInvalid(request);
        var command = CheckMapping.ToCommand(request) with { Deadline = DeadlineOf(context) };
        var outcome = await decisions.CheckAsync(command, context.CancellationToken);
        return CheckMapping.ToResponse(request, outcome);
    }

    public async Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, ServerCallContext context)
    {
        planValidator.ThrowIfInvalid(request);
        var command = PlanMapping.ToCommand(request) with { Deadline = DeadlineOf(context) };
        var outcome = await decisions.PlanAsync(command, context.CancellationToken);
        return PlanMapping.ToResponse(request, outcome);
    }
}
