namespace AuthzService.Grpc.Server;

/// <summary>
/// Lets the host turn its own exception types into statuses, in one place. Registered in DI;
/// consulted for any exception a handler throws that is not already an <see cref="RpcException"/>.
/// Returning null falls back to UNKNOWN with a generic message.
/// </summary>
public interface IRpcExceptionMapper
{
    Status? Map(Exception exception);
}
