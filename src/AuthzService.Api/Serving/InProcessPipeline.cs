using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Serving;

/// <summary>
/// Runs a gRPC handler for a plain HTTP request through the very interceptor instances Grpc.AspNetCore uses
/// (<see cref="ServingPipeline"/>), so the AuthZEN endpoints get the same authentication, allow-list, limits,
/// tenant binding, validation, status mapping and audit as <c>CheckResources</c>, with no second copy of any of
/// them. Refusals come out as the <see cref="RpcException"/> a gRPC caller would have seen.
/// </summary>
internal sealed class InProcessPipeline
{
    private readonly Interceptor[] _callerStage;
    private readonly Interceptor[] _requestStage;

    public InProcessPipeline(IServiceProvider services)
    {
        _callerStage = [.. ServingPipeline.CallerStage.Select(t => (Interceptor)ActivatorUtilities.GetServiceOrCreateInstance(services, t))];
        _requestStage = [.. ServingPipeline.RequestStage.Select(t => (Interceptor)ActivatorUtilities.GetServiceOrCreateInstance(services, t))];
    }

    /// <summary>The caller stage for <paramref name="context"/>'s method: throws <see cref="RpcException"/> when the caller may not call it now.</summary>
    public Task AdmitCallerAsync<TRequest>(TRequest request, ServerCallContext context)
        where TRequest : class =>
        Chain<TRequest, TRequest>(_callerStage, static (r, _) => Task.FromResult(r))(request, context);

    /// <summary>The request stage around <paramref name="handler"/> (the caller stage must have admitted the caller).</summary>
    public Task<TResponse> InvokeAsync<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class =>
        Chain(_requestStage, handler)(request, context);

    /// <summary>
    /// The caller's tenant binding alone (the request stage's <see cref="Security.CallerTenantInterceptor"/>), for an
    /// AuthZEN request that turns out to need no decision call (an action search of a kind with no declared actions).
    /// </summary>
    public Task AdmitTenantAsync<TRequest>(TRequest request, ServerCallContext context)
        where TRequest : class =>
        Chain<TRequest, TRequest>([.. _requestStage.OfType<Security.CallerTenantInterceptor>()], static (r, _) => Task.FromResult(r))(request, context);

    private static UnaryServerMethod<TRequest, TResponse> Chain<TRequest, TResponse>(Interceptor[] interceptors, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        var next = handler;
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            var interceptor = interceptors[i];
            var inner = next;
            next = (request, context) => interceptor.UnaryServerHandler(request, context, inner);
        }

        return next;
    }
}
