using AuthzService.Api.Audit;
using AuthzService.Api.Telemetry;
using AuthzService.Grpc.Server;
using Google.Protobuf;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// The caller's limit, the first thing a call meets after authentication: before the tenant binding, the
/// tenant limit and validation, so whatever a caller puts in its requests costs at most its own budget.
/// </summary>
internal sealed partial class CallerRateLimitInterceptor(
    CallRateLimiter limiter, AuthzMetrics metrics, ILogger<CallerRateLimitInterceptor> logger) : IServerCallInterceptor
{
    public async Task<IMessage> UnaryAsync(IMessage request, ServerCallContext context, UnaryCallContinuation continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (limiter.LimitsCallers && !RateLimitStatus.IsExempt(context.Method))
        {
            var caller = AuditTrail.CallerOf(context);
            if (limiter.TryAcquireCaller(caller) is { } wait)
            {
                metrics.RateLimited("caller", string.Empty);
                CallerLimited(logger, caller, context.Method);
                throw RateLimitStatus.Exhausted("Rate limit of this caller exceeded; retry later.", wait);
            }
        }

        return await continuation(request, context);
    }

    [LoggerMessage(4002, LogLevel.Debug, "Caller {Caller} over its rate limit on {Method}")]
    private static partial void CallerLimited(ILogger logger, string caller, string method);
}
