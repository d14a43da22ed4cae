using Google.Protobuf;

namespace AuthzService.Grpc.Server.Internal;

internal sealed class HttpContextStreamWriter<T> : IServerStreamWriter<T>
    where T : IMessage<T>
{
    private readonly HttpContextServerCallContext _call;

    public HttpContextStreamWriter(HttpContextServerCallContext call)
    {
        _call = call;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _call.WriteResponseMessageAsync(message, cancellationToken);
    }
}
