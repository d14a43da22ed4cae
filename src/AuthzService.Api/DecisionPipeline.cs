using AuthzService.Api.RateLimiting;
using AuthzService.Api.Telemetry;
using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Caching;
using AuthzService.Infrastructure.Cerbos;

namespace AuthzService.Api;

/// <summary>
/// The decision pipeline, composed in one place and read outside in. Nothing else decorates these services, so
/// their order is what this file says, not an accident of registration order across layers.
/// </summary>
internal static class DecisionPipeline
{
    public static IServiceCollection AddDecisionPipeline(this IServiceCollection services)
    {
        // Principals: tracing -> tier learning (the tenant limit learns tiers from principals loaded anyway, so it
        // has no directory read of its own) -> the principal cache (L1, versions, notifications) -> the directory
        // (PostgreSQL, one round trip per miss).
        services.AddSingleton<IPrincipalSource>(sp =>
            new TracingPrincipalSource(
                new TierLearningPrincipalSource(
                    CacheServiceCollectionExtensions.CachingPrincipalSourceOver(
                        sp, new DirectoryPrincipalSource(sp.GetRequiredService<IDirectoryReader>())),
                    sp.GetRequiredService<TenantTierCache>())));

        // Decisions: tracing -> the decision cache (L1, then L2) -> Cerbos.
        services.AddSingleton<IPolicyDecisionPoint>(sp =>
            new TracingDecisionPoint(
                CacheServiceCollectionExtensions.CachingDecisionPointOver(sp, sp.GetRequiredService<CerbosDecisionPoint>())));

        // What CheckResources and PlanResources call: a principal from the first, decisions from the second.
        services.AddSingleton<DecisionService>();
        return services;
    }
}
