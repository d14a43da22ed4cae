using AuthzService.Api.Serving;
using AuthzService.Api.Telemetry;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using Grpc.Core;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// The tenant's limit on decision calls, after the caller limit and the caller's tenant binding. Only a
/// tenant id that passes the request validators' own rule becomes a limiter key; any other request goes on to
/// validation, which refuses it with INVALID_ARGUMENT naming every bad field. The tier comes from
/// <see cref="TenantTierCache"/>, never from a directory read.
/// </summary>
internal sealed partial class TenantRateLimitInterceptor(
    CallRateLimiter limiter, TenantTierCache tiers, AuthzMetrics metrics, ILogger<TenantRateLimitInterceptor> logger) : AdmissionInterceptor
{
    protected override void Admit(object? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (limiter.LimitsTenants && TenantOf(request) is { } tenantId && RuleExtensions.BeValidIdText(tenantId))
        {
            var tier = tiers.TierOf(tenantId);
            if (limiter.TryAcquireTenant(tenantId, tier) is { } wait)
            {
                metrics.RateLimited("tenant", tier.Length == 0 ? "default" : tier);
                TenantLimited(logger, tenantId, tier, context.Method);
                throw RateLimitStatus.Exhausted($"Rate limit of tenant '{tenantId}' exceeded; retry later.", wait);
            }
        }
    }

    /// <summary>The tenant a decision request is about; admin calls are limited per caller only.</summary>
    internal static string? TenantOf(object? request) => request switch
    {
        CheckResourcesRequest r => r.TenantId,
        PlanResourcesRequest r => r.TenantId,
        _ => null,
    };

    [LoggerMessage(4000, LogLevel.Debug, "Tenant {TenantId} (tier '{Tier}') over its rate limit on {Method}")]
    private static partial void TenantLimited(ILogger logger, string tenantId, string tier, string method);
}
