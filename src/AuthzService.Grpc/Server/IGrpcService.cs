namespace AuthzService.Grpc.Server;

/// <summary>
/// A gRPC service class. It lists its methods once in <see cref="BindService"/>; an instance is
/// resolved from DI (or created with its dependencies) for every call.
/// </summary>
public interface IGrpcService<TSelf>
    where TSelf : class, IGrpcService<TSelf>
{
    static abstract void BindService(GrpcServiceBinder<TSelf> binder);
}
