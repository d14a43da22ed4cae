using AuthzService.Api.Services;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Audit;

/// <summary>
/// Every decision audited exactly once (<see cref="DecisionAuditor"/>): the innermost interceptor of
/// CheckResources and PlanResources, so it sees the request after validation and what Core decided (or the
/// exception Core threw, before it becomes a status). A request refused earlier (limits, bindings, validation)
/// never reached a decision and is not a decision event.
/// </summary>
internal sealed class DecisionAuditInterceptor(DecisionAuditor auditor) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) => request switch
        {
            CheckResourcesRequest check => CheckAsync(check, request, context, continuation),
            PlanResourcesRequest plan => PlanAsync(plan, request, context, continuation),
            _ => continuation(request, context),
        };

    private async Task<TResponse> CheckAsync<TRequest, TResponse>(
        CheckResourcesRequest check, TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception ex)
        {
            auditor.CheckFailed(context, check, ex);
            throw;
        }

        auditor.Checked(context, check, Recorded<CheckOutcome>(context));
        return response;
    }

    private async Task<TResponse> PlanAsync<TRequest, TResponse>(
        PlanResourcesRequest plan, TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception ex)
        {
            auditor.PlanFailed(context, plan, ex);
            throw;
        }

        auditor.Planned(context, plan, Recorded<PlanOutcome>(context));
        return response;
    }

    // An answer without its outcome could not be audited: refuse to send it (fail closed) rather than answer unaudited.
    private static T Recorded<T>(ServerCallContext context)
        where T : class =>
        DecisionOutcome.Of<T>(context)
            ?? throw new InvalidOperationException($"The handler of {context.Method} returned without recording its {typeof(T).Name}.");
}
