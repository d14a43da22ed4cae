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
            CheckResourcesRequest check => AuditedAsync<TRequest, TResponse, CheckOutcome>(
                request, context, continuation, ex => auditor.CheckFailed(context, check, ex), outcome => auditor.Checked(context, check, outcome)),
            PlanResourcesRequest plan => AuditedAsync<TRequest, TResponse, PlanOutcome>(
                request, context, continuation, ex => auditor.PlanFailed(context, plan, ex), outcome => auditor.Planned(context, plan, outcome)),
            _ => continuation(request, context),
        };

    /// <summary>Runs the handler; a failure is audited as such, an answer with the outcome the handler recorded.</summary>
    private static async Task<TResponse> AuditedAsync<TRequest, TResponse, TOutcome>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation,
        Action<Exception> failed, Action<TOutcome> decided)
        where TRequest : class
        where TResponse : class
        where TOutcome : class
    {
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception ex)
        {
            failed(ex);
            throw;
        }

        decided(Recorded<TOutcome>(context));
        return response;
    }

    // An answer without its outcome could not be audited: refuse to send it (fail closed) rather than answer unaudited.
    private static T Recorded<T>(ServerCallContext context)
        where T : class =>
        DecisionOutcome.Of<T>(context)
            ?? throw new InvalidOperationException($"The handler of {context.Method} returned without recording its {typeof(T).Name}.");
}
