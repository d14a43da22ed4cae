using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.Grpc.Server.Internal;

internal sealed class UnaryServerMethodHandler<TService, TRequest, TResponse> : ServiceMethodHandler<TService, TRequest>
    where TService : class
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly UnaryServerMethod<TService, TRequest, TResponse> _handler;

    public UnaryServerMethodHandler(
        string serviceName,
        string methodName,
        MessageParser<TRequest> parser,
        UnaryServerMethod<TService, TRequest, TResponse> handler,
        ServiceActivator<TService> activator)
        : base(serviceName, methodName, parser, activator)
    {
        _handler = handler;
    }

    public override async Task HandleCallAsync(HttpContextServerCallContext call)
    {
        var request = await ReadRequestAsync(call);
        var registered = call.HttpContext.RequestServices.GetServices<IServerCallInterceptor>();
        var interceptors = registered as IServerCallInterceptor[] ?? [.. registered];
        var response = interceptors.Length == 0
            ? await InvokeHandlerAsync(request, call)
            : (TResponse)await Chain(interceptors, 0, call)(request, call);
        await call.WriteResponseMessageAsync(response);
    }

    // Interceptors see the parsed request; the handler always gets this call's own context.
    private UnaryCallContinuation Chain(IServerCallInterceptor[] interceptors, int index, HttpContextServerCallContext call) =>
        index == interceptors.Length
            ? async (request, _) => await InvokeHandlerAsync((TRequest)request, call)
            : (request, context) => interceptors[index].UnaryAsync(request, context, Chain(interceptors, index + 1, call));

    private Task<TResponse> InvokeHandlerAsync(TRequest request, HttpContextServerCallContext call) =>
        OnServiceAsync(call, service => _handler(service, request, call));
}
