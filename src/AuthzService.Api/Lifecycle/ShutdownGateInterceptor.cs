using AuthzService.Api.Serving;
using Grpc.Core;
using HealthApi = Grpc.Health.V1.Health;

namespace AuthzService.Api.Lifecycle;

/// <summary>
/// Graceful shutdown (health NOT_SERVING first, then no new calls, calls in flight finish; docs/grpc.md, S12):
/// once shutdown has begun (health already NOT_SERVING), new calls are refused with UNAVAILABLE, which
/// clients retry on another replica, while calls already admitted run to completion within the grace period.
/// Kestrel stops accepting connections right after; this gate also covers new streams on connections that are
/// still open. Health checks still answer (NOT_SERVING). The outermost interceptor.
/// </summary>
internal sealed class ShutdownGateInterceptor(IHostApplicationLifetime lifetime) : AdmissionInterceptor
{
    public const string RefusedMessage = "The server is shutting down; retry on another instance.";

    private static readonly string s_healthPrefix = "/" + HealthApi.Descriptor.FullName + "/";

    protected override void Admit(object? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.Method.StartsWith(s_healthPrefix, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, RefusedMessage));
        }
    }
}
