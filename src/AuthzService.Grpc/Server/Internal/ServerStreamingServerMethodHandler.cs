using Google.Protobuf;

namespace AuthzService.Grpc.Server.Internal;

internal sealed class ServerStreamingServerMethodHandler<TService, TRequest, TResponse> : ServerMethodHandler
    where TService : class
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly MessageParser<TRequest> _parser;
    private readonly ServerStreamingServerMethod<TService, TRequest, TResponse> _handler;
    private readonly ServiceActivator<TService> _activator;

    public ServerStreamingServerMethodHandler(
        string serviceName,
        string methodName,
        MessageParser<TRequest> parser,
        ServerStreamingServerMethod<TService, TRequest, TResponse> handler,
        ServiceActivator<TService> activator)
        : base(serviceName, methodName)
    {
        _parser = parser;
        _handler = handler;
        _activator = activator;
    }

    public override async Task HandleCallAsync(HttpContextServerCallContext call)
    {
        var request = await call.ReadSingleRequestAsync(_parser);
        var (service, created) = _activator.Activate(call.HttpContext);
        try
        {
            await _handler(service, request, new HttpContextStreamWriter<TResponse>(call), call);
        }
        finally
        {
            await ServiceActivator<TService>.ReleaseAsync(service, created);
        }
    }
}
