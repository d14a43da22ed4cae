namespace AuthzService.Grpc.Server;

/// <summary>A server-streaming handler on a service instance.</summary>
public delegate Task ServerStreamingServerMethod<in TService, in TRequest, out TResponse>(
    TService service, TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);
