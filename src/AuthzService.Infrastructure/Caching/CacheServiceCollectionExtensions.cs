using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Caching;

public static class CacheServiceCollectionExtensions
{
    /// <summary>The connection string name of L2 (<c>ConnectionStrings:Redis</c>); absent means L1 only.</summary>
    public const string RedisConnectionStringName = "Redis";

    /// <summary>
    /// Wraps the registered <see cref="IPolicyDecisionPoint"/> and <see cref="IPrincipalSource"/> in their caching
    /// decorators (call after registering them), registers L1, L2 (when configured) and the invalidation
    /// listener on <paramref name="postgresConnectionString"/> as a hosted service feeding the principal cache.
    /// </summary>
    public static IServiceCollection AddDecisionCache(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> postgresConnectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(postgresConnectionString);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<ILocalCache, MemoryLocalCache>();
        var redis = configuration.GetConnectionString(RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<ISharedDecisionCache, NoSharedDecisionCache>();
        }
        else
        {
            services.TryAddSingleton<ISharedDecisionCache>(sp => new RedisDecisionCache(
                redis, sp.GetRequiredService<IOptions<CacheOptions>>().Value.RedisTimeout, sp.GetRequiredService<CacheMetrics>(),
                sp.GetRequiredService<ILogger<RedisDecisionCache>>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.TryAddSingleton<PrincipalCacheInvalidation>();
        services.TryAddSingleton<IInvalidationSink>(sp => sp.GetRequiredService<PrincipalCacheInvalidation>());
        services.TryAddSingleton(sp => new PostgresNotificationListener(
            postgresConnectionString(sp), sp.GetRequiredService<IInvalidationSink>(), sp.GetRequiredService<ILogger<PostgresNotificationListener>>()));
        services.TryAddSingleton<IInvalidationChannel>(sp => sp.GetRequiredService<PostgresNotificationListener>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PostgresNotificationListener>());

        services.Decorate<IPrincipalSource>((sp, inner) => new CachingPrincipalSource(
            inner, sp.GetRequiredService<PrincipalCacheInvalidation>(), sp.GetRequiredService<ILocalCache>(),
            sp.GetRequiredService<IInvalidationChannel>(), sp.GetRequiredService<IOptions<CacheOptions>>(),
            sp.GetRequiredService<CacheMetrics>(), sp.GetRequiredService<TimeProvider>()));
        services.Decorate<IPolicyDecisionPoint>((sp, inner) => new CachingDecisionPoint(
            inner, sp.GetRequiredService<ILocalCache>(), sp.GetRequiredService<ISharedDecisionCache>(),
            sp.GetRequiredService<IOptions<CacheOptions>>(), sp.GetRequiredService<CacheMetrics>(),
            sp.GetRequiredService<ILogger<CachingDecisionPoint>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
