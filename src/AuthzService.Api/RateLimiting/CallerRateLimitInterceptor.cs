using AuthzService.Api.Audit;
using AuthzService.Api.Serving;
using AuthzService.Api.Telemetry;
using Grpc.Core;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// The caller's limit, the first thing a call meets after authentication: before the tenant binding, the
/// tenant limit and validation, so whatever a caller puts in its requests costs at most its own budget.
/// </summary>
internal sealed partial class CallerRateLimitInterceptor(
    CallRateLimiter limiter, AuthzMetrics metrics, ILogger<CallerRateLimitInterceptor> logger) : AdmissionInterceptor
{
    protected override void Admit(object? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
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
    }

    [LoggerMessage(4002, LogLevel.Debug, "Caller {Caller} over its rate limit on {Method}")]
    private static partial void CallerLimited(ILogger logger, string caller, string method);
}
