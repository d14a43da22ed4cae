using AuthzService.Api.Services;
using AuthzService.Api.Serving;
using AuthzService.Api.Telemetry;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using Grpc.Core;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// The tenant's limit on decision calls, after the caller limit and the caller's tenant binding. Only a
/// tenant id that passes the request validators' own rule becomes a limiter key; any other request goes on to
/// validation, which refuses it with INVALID_ARGUMENT naming every bad field. The tier comes from
/// <see cref="TenantTierCache"/>, never from a directory read: after a decision call, the tier of the principal it
/// built (recorded in <see cref="DecisionOutcome"/>) is learnt, and a tenant that yielded no principal (unknown or
/// suspended) is forgotten.
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

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var response = await base.UnaryServerHandler(request, context, continuation);
        if (TenantOf(request) is { } tenantId)
        {
            Learn(tenantId, context);
        }

        return response;
    }

    private void Learn(string tenantId, ServerCallContext context)
    {
        var principal = DecisionOutcome.Of<CheckOutcome>(context) is { } check ? check.Principal
            : DecisionOutcome.Of<PlanOutcome>(context) is { } plan ? plan.Principal
            : null;
        if (principal is not null)
        {
            tiers.Learn(principal.TenantId, principal.Attributes.TryGetValue(PrincipalAttributeKeys.TenantTier, out var tier) ? tier as string ?? string.Empty : string.Empty);
        }
        else
        {
            tiers.Forget(tenantId);
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
