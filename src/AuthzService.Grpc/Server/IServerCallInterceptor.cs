using Google.Protobuf;

namespace AuthzService.Grpc.Server;

/// <summary>Runs the rest of a unary call (later interceptors, then the handler) and returns its response.</summary>
public delegate Task<IMessage> UnaryCallContinuation(IMessage request, ServerCallContext context);

/// <summary>
/// Wraps every unary call after its request message has been read and parsed, so host layers that
/// need the request itself (per-tenant rate limits, audit of admin calls) run without the handlers
/// knowing. Registered in DI; run in registration order, the first one outermost. Throwing an
/// <see cref="RpcException"/> ends the call with its status and trailers; the handler is not invoked.
/// </summary>
public interface IServerCallInterceptor
{
    Task<IMessage> UnaryAsync(IMessage request, ServerCallContext context, UnaryCallContinuation continuation);
}
