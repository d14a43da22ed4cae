using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Serving;

/// <summary>
/// <c>Grpc:Server:MaxDeadline</c>: an upper bound on every call's deadline, also for calls that send none
/// (Grpc.AspNetCore applies only the client's deadline). A call whose own deadline is later, or absent, runs on
/// a <see cref="BoundedServerCallContext"/> whose deadline and token end at the bound; once it passes, the call
/// ends with DEADLINE_EXCEEDED (see <see cref="StatusMappingInterceptor"/>), even if the handler returned late.
/// </summary>
internal sealed class DeadlineBoundInterceptor(IOptions<GrpcServerOptions> options, TimeProvider time) : Interceptor
{
    private readonly TimeSpan? _max = options.Value.MaxDeadline;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (Bound(context) is not { } bounded)
        {
            return await continuation(request, context);
        }

        using (bounded)
        {
            var response = await continuation(request, bounded);
            bounded.ThrowIfExpired();
            return response;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (Bound(context) is not { } bounded)
        {
            return await continuation(requestStream, context);
        }

        using (bounded)
        {
            var response = await continuation(requestStream, bounded);
            bounded.ThrowIfExpired();
            return response;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (Bound(context) is not { } bounded)
        {
            await continuation(request, responseStream, context);
            return;
        }

        using (bounded)
        {
            await continuation(request, responseStream, bounded);
            bounded.ThrowIfExpired();
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (Bound(context) is not { } bounded)
        {
            await continuation(requestStream, responseStream, context);
            return;
        }

        using (bounded)
        {
            await continuation(requestStream, responseStream, bounded);
            bounded.ThrowIfExpired();
        }
    }

    /// <summary>A context ending at the bound, or null when the call's own deadline comes first (or there is no bound).</summary>
    private BoundedServerCallContext? Bound(ServerCallContext context)
    {
        if (_max is not { } max)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var bound = now + max;
        return context.Deadline <= bound ? null : new BoundedServerCallContext(context, context.GetHttpContext(), bound, max, time);
    }
}
