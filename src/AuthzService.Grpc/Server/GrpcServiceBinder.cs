using AuthzService.Grpc.Server.Internal;
using Google.Protobuf;

namespace AuthzService.Grpc.Server;

/// <summary>Collects the methods of one service class into the server's method table.</summary>
public sealed class GrpcServiceBinder<TService>
    where TService : class
{
    private readonly GrpcMethodRegistry _registry;
    private readonly ServiceActivator<TService> _activator = new();

    internal GrpcServiceBinder(GrpcMethodRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Adds <c>/{serviceName}/{methodName}</c> as a unary method.</summary>
    public GrpcServiceBinder<TService> AddUnaryMethod<TRequest, TResponse>(
        string serviceName,
        string methodName,
        MessageParser<TRequest> requestParser,
        UnaryServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        _registry.Add(new UnaryServerMethodHandler<TService, TRequest, TResponse>(
            serviceName, methodName, requestParser, handler, _activator));
        return this;
    }

    /// <summary>Adds <c>/{serviceName}/{methodName}</c> as a server-streaming method.</summary>
    public GrpcServiceBinder<TService> AddServerStreamingMethod<TRequest, TResponse>(
        string serviceName,
        string methodName,
        MessageParser<TRequest> requestParser,
        ServerStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        _registry.Add(new ServerStreamingServerMethodHandler<TService, TRequest, TResponse>(
            serviceName, methodName, requestParser, handler, _activator));
        return this;
    }
}
