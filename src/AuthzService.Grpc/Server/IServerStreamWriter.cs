namespace AuthzService.Grpc.Server;

/// <summary>Writes the messages of a server-streaming response.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
