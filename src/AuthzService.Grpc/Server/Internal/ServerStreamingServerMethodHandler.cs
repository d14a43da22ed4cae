using Google.Protobuf;

namespace AuthzService.Grpc.Server.Internal;

internal sealed class ServerStreamingServerMethodHandler<TService, TRequest, TResponse> : ServiceMethodHandler<TService, TRequest>
    where TService : class
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly ServerStreamingServerMethod<TService, TRequest, TResponse> _handler;

    public ServerStreamingServerMethodHandler(
        string serviceName,
        string methodName,
        MessageParser<TRequest> parser,
        ServerStreamingServerMethod<TService, TRequest, TResponse> handler,
        ServiceActivator<TService> activator)
        : base(serviceName, methodName, parser, activator)
    {
        _handler = handler;
    }

    public override async Task HandleCallAsync(HttpContextServerCallContext call)
    {
        var request = await ReadRequestAsync(call);
        await OnServiceAsync(call, async service =>
        {
            await _handler(service, request, new HttpContextStreamWriter<TResponse>(call), call);
            return true;
        });
    }
}
