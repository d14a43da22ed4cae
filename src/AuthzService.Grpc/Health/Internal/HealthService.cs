using AuthzService.Grpc.Server;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Health.Internal;

/// <summary><c>grpc.health.v1.Health</c> over <see cref="HealthStatusRegistry"/> (S13).</summary>
internal sealed class HealthService : IGrpcService<HealthService>
{
    public const string ServiceName = "grpc.health.v1.Health";

    private readonly HealthStatusRegistry _registry;

    public HealthService(HealthStatusRegistry registry)
    {
        _registry = registry;
    }

    public static void BindService(GrpcServiceBinder<HealthService> binder)
    {
        binder
            .AddUnaryMethod<HealthCheckRequest, HealthCheckResponse>(
                ServiceName, "Check", HealthCheckRequest.Parser, static (s, r, c) => s.Check(r))
            .AddServerStreamingMethod<HealthCheckRequest, HealthCheckResponse>(
                ServiceName, "Watch", HealthCheckRequest.Parser, static (s, r, w, c) => s.WatchAsync(r, w, c));
    }

    private Task<HealthCheckResponse> Check(HealthCheckRequest request)
    {
        if (!_registry.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <summary>The current status first, then each change, until the client cancels or the server shuts down.</summary>
    private async Task WatchAsync(
        HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        using var watcher = _registry.Watch(request.Service);
        ServingStatus? last = null;
        await foreach (var status in watcher.Changes.Reader.ReadAllAsync(context.CancellationToken))
        {
            if (status != last)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                last = status;
            }
        }
    }
}
