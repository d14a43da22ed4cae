using AuthzService.Api.Serving;
using Grpc.Core;
using Grpc.Health.V1;
using HealthApi = Grpc.Health.V1.Health;

namespace AuthzService.Api.Health;

/// <summary>
/// <c>grpc.health.v1.Health</c>: Check and Watch answered by Grpc.HealthCheck's implementation over
/// <see cref="ServingHealth"/>. Its Watch runs until the client cancels; here it also ends when shutdown begins
/// (after the NOT_SERVING it queued is sent), so open watches never hold up shutdown.
/// </summary>
internal sealed class HealthService(ServingHealth health, TimeProvider time) : HealthApi.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        health.Service.Check(request, context);

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (health.IsShuttingDown)
        {
            // The stream would end at once without a word: say NOT_SERVING (or unknown) first.
            var status = health.TryGetStatus(request.Service, out var known) ? known : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            await responseStream.WriteAsync(new HealthCheckResponse { Status = status });
            return;
        }

        using var until = new BoundedServerCallContext(context, context.GetHttpContext(), context.Deadline, expireAfter: null, time, health.Stopping);
        await health.Service.Watch(request, responseStream, until);
    }
}
