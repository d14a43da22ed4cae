using System.Globalization;
using AuthzService.Api.Audit;
using AuthzService.Api.Telemetry;
using AuthzService.Contracts.V1;
using AuthzService.Grpc;
using AuthzService.Grpc.Server;
using Google.Protobuf;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Applies the limits once the request is parsed (the tenant is in the message): the tenant's limit
/// first, so a tenant over its limit does not also use up its caller's budget, then the caller's.
/// Over a limit: RESOURCE_EXHAUSTED with <c>retry-after-ms</c> and <c>grpc-retry-pushback-ms</c> in
/// the trailers (the latter is what gRPC clients with retry policies honour).
/// </summary>
internal sealed partial class RateLimitInterceptor(
    CallRateLimiter limiter, TenantTierCache tiers, AuthzMetrics metrics, ILogger<RateLimitInterceptor> logger) : IServerCallInterceptor
{
    public const string RetryAfterTrailer = "retry-after-ms";
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    public async Task<IMessage> UnaryAsync(IMessage request, ServerCallContext context, UnaryCallContinuation continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
        {
            // Probes must see the real status, however busy the callers are.
            return await continuation(request, context);
        }

        if (TenantOf(request) is { Length: > 0 } tenantId && limiter.LimitsTenants)
        {
            var tier = await tiers.GetTierAsync(tenantId, context.CancellationToken);
            if (limiter.TryAcquireTenant(tenantId, tier) is { } wait)
            {
                metrics.RateLimited("tenant", tier.Length == 0 ? "default" : tier);
                TenantLimited(logger, tenantId, tier, context.Method);
                throw Exhausted($"Rate limit of tenant '{tenantId}' exceeded; retry later.", wait);
            }
        }

        var caller = AuditTrail.CallerOf(context);
        if (limiter.TryAcquireCaller(caller) is { } callerWait)
        {
            metrics.RateLimited("caller", string.Empty);
            CallerLimited(logger, caller, context.Method);
            throw Exhausted("Rate limit of this caller exceeded; retry later.", callerWait);
        }

        return await continuation(request, context);
    }

    /// <summary>The tenant a decision request is about; admin calls are limited per caller only.</summary>
    internal static string? TenantOf(IMessage request) => request switch
    {
        CheckResourcesRequest r => r.TenantId,
        PlanResourcesRequest r => r.TenantId,
        _ => null,
    };

    internal static RpcException Exhausted(string message, TimeSpan wait)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var trailers = new Metadata().Add(RetryAfterTrailer, milliseconds).Add(RetryPushbackTrailer, milliseconds);
        return new RpcException(new Status(StatusCode.ResourceExhausted, message), trailers);
    }

    [LoggerMessage(4000, LogLevel.Debug, "Tenant {TenantId} (tier '{Tier}') over its rate limit on {Method}")]
    private static partial void TenantLimited(ILogger logger, string tenantId, string tier, string method);

    [LoggerMessage(4002, LogLevel.Debug, "Caller {Caller} over its rate limit on {Method}")]
    private static partial void CallerLimited(ILogger logger, string caller, string method);
}
