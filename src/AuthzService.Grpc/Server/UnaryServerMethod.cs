namespace AuthzService.Grpc.Server;

/// <summary>A unary handler on a service instance.</summary>
public delegate Task<TResponse> UnaryServerMethod<in TService, in TRequest, TResponse>(
    TService service, TRequest request, ServerCallContext context);
