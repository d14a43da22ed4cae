using Google.Protobuf;

namespace AuthzService.Grpc.Server.Internal;

internal sealed class UnaryServerMethodHandler<TService, TRequest, TResponse> : ServerMethodHandler
    where TService : class
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly MessageParser<TRequest> _parser;
    private readonly UnaryServerMethod<TService, TRequest, TResponse> _handler;
    private readonly ServiceActivator<TService> _activator;

    public UnaryServerMethodHandler(
        string serviceName,
        string methodName,
        MessageParser<TRequest> parser,
        UnaryServerMethod<TService, TRequest, TResponse> handler,
        ServiceActivator<TService> activator)
        : base(serviceName, methodName)
    {
        _parser = parser;
        _handler = handler;
        _activator = activator;
    }

    public override async Task HandleCallAsync(HttpContextServerCallContext call)
    {
        // The whole request is read and validated first: a bad request never reaches the handler.
        var request = await call.ReadSingleRequestAsync(_parser);
        var (service, created) = _activator.Activate(call.HttpContext);
        try
        {
            var response = await _handler(service, request, call);
            await call.WriteResponseMessageAsync(response);
        }
        finally
        {
            await ServiceActivator<TService>.ReleaseAsync(service, created);
        }
    }
}
