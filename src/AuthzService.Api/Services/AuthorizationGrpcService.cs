using AuthzService.Api.Audit;
using AuthzService.Api.Mapping;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using AuthzService.Grpc.Server;
using FluentValidation;

namespace AuthzService.Api.Services;

/// <summary><c>authz.v1.AuthorizationService</c>: validate, map, decide, audit, map back.</summary>
internal sealed class AuthorizationGrpcService(
    DecisionService decisions,
    IValidator<CheckResourcesRequest> checkValidator,
    IValidator<PlanResourcesRequest> planValidator,
    DecisionAuditor audit) : IGrpcService<AuthorizationGrpcService>
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
        CheckOutcome outcome;
        try
        {
            outcome = await decisions.CheckAsync(command, context.CancellationToken);
        }
        catch (Exception ex)
        {
            audit.CheckFailed(context, request, ex);
            throw;
        }

        audit.Checked(context, request, outcome);
        return CheckMapping.ToResponse(request, outcome);
    }

    public async Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, ServerCallContext context)
    {
        planValidator.ThrowIfInvalid(request);
        var command = PlanMapping.ToCommand(request) with { Deadline = DeadlineOf(context) };
        PlanOutcome outcome;
        try
        {
            outcome = await decisions.PlanAsync(command, context.CancellationToken);
        }
        catch (Exception ex)
        {
            audit.PlanFailed(context, request, ex);
            throw;
        }

        audit.Planned(context, request, outcome);
        return PlanMapping.ToResponse(request, outcome);
    }
}
