using AuthzService.Grpc;
using AuthzService.Grpc.Server;

namespace AuthzService.Api.Lifecycle;

/// <summary>
/// S12: once shutdown has begun (health already NOT_SERVING), new calls are refused with UNAVAILABLE,
/// which clients retry on another replica, while calls already past this point run to completion
/// within the grace period. Kestrel stops accepting connections right after; this gate also covers
/// new streams on connections that are still open. Health checks still answer (NOT_SERVING).
/// </summary>
internal sealed class ShutdownGateMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public const string RefusedMessage = "The server is shutting down; retry on another instance.";

    public Task InvokeAsync(HttpContext httpContext)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested
            && !(httpContext.Request.Path.Value ?? string.Empty).StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
        {
            return GrpcStatusResponse.WriteTrailersOnlyAsync(httpContext, new Status(StatusCode.Unavailable, RefusedMessage));
        }

        return next(httpContext);
    }
}
