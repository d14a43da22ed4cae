using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Serving;

/// <summary>
/// An interceptor that only decides whether a call may run (authentication, limits, bindings): <see cref="Admit"/>
/// throws an <see cref="RpcException"/> to refuse, for every kind of method. Unary and server-streaming calls pass
/// their request; streaming requests are not read here (null), so a rule about the request treats them as naming
/// nothing. No async state machine on the admitted path.
/// </summary>
internal abstract class AdmissionInterceptor : Interceptor
{
    /// <summary>Throws an <see cref="RpcException"/> when the call must not run.</summary>
    protected abstract void Admit(object? request, ServerCallContext context);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Admit(request, context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Admit(null, context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Admit(request, context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Admit(null, context);
        return continuation(requestStream, responseStream, context);
    }
}
