using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Caching;
using AuthzService.Infrastructure.Cerbos;

namespace AuthzService.Api;

/// <summary>
/// The decision pipeline, composed in one place and read outside in. Nothing else decorates these services, so
/// their order is what this file says, not an accident of registration order across layers; and no layer's
/// decorator sits between two of another's, so a call goes Api -> Core -> Infrastructure and back, once.
/// </summary>
internal static class DecisionPipeline
{
    public static IServiceCollection AddDecisionPipeline(this IServiceCollection services)
    {
        // Principals: the principal cache (L1, versions, notifications) -> the directory (PostgreSQL, one round trip
        // per miss).
        services.AddSingleton<IPrincipalSource>(sp =>
            CacheServiceCollectionExtensions.CachingPrincipalSourceOver(
                sp, new DirectoryPrincipalSource(sp.GetRequiredService<IDirectoryReader>())));

        // Decisions: the decision cache (L1, then L2) -> Cerbos.
        services.AddSingleton<IPolicyDecisionPoint>(sp =>
            CacheServiceCollectionExtensions.CachingDecisionPointOver(sp, sp.GetRequiredService<CerbosDecisionPoint>()));

        // What CheckResources and PlanResources call: a principal from the first, decisions from the second. It
        // traces both (DecisionTracing); the tenant limit learns tiers from its outcomes (TenantRateLimitInterceptor).
        services.AddSingleton<DecisionService>();
        return services;
    }
}
