using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Postgres;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
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
        services.AddOptions<CacheSigningOptions>().Bind(configuration.GetSection(CacheSigningOptions.SectionName));
        services.TryAddSingleton(sp => CreateSigner(sp.GetRequiredService<IOptions<CacheSigningOptions>>().Value, sp.GetRequiredService<ILogger<SignedDecisionCodec>>()));
        services.TryAddSingleton(sp => new SignedDecisionCodec(
            sp.GetRequiredService<CacheValueSigner>(), sp.GetRequiredService<CacheMetrics>(), sp.GetRequiredService<ILogger<SignedDecisionCodec>>(),
            sp.GetRequiredService<TimeProvider>()));
        var redis = configuration.GetConnectionString(RedisConnectionStringName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<ISharedDecisionCache, NoSharedDecisionCache>();
        }
        else
        {
            // One multiplexer for the service, handed to the distributed cache (which would otherwise make its own).
            services.TryAddSingleton(sp => new RedisConnection(
                redis, sp.GetRequiredService<IOptions<CacheOptions>>().Value.RedisTimeout, sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<RedisCacheOptions>().Configure<RedisConnection, IOptions<CacheOptions>>((options, connection, cache) =>
            {
                options.InstanceName = cache.Value.KeyPrefix;
                options.ConnectionMultiplexerFactory = connection.GetAsync;
            });
            services.TryAddSingleton<ISharedDecisionCache>(sp => new RedisDecisionCache(
                sp.GetRequiredService<IDistributedCache>(), sp.GetRequiredService<RedisConnection>(),
                sp.GetRequiredService<IOptions<CacheOptions>>().Value.KeyPrefix, sp.GetRequiredService<IOptions<CacheOptions>>().Value.RedisTimeout,
                sp.GetRequiredService<SignedDecisionCodec>(), sp.GetRequiredService<CacheMetrics>(),
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
            sp.GetRequiredService<ILogger<CachingDecisionPoint>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PrincipalCacheInvalidation>(), sp.GetService<PolicyWatchState>()));
        return services;
    }

    /// <summary>
    /// The L2 signer from <c>Cache:SigningKey</c> (and <c>Cache:PreviousSigningKey</c>). Start-up validation refuses
    /// a missing key outside Development and any malformed one; without a key (Development) values are signed
    /// with a random key of this process: never unsigned, only not shared.
    /// </summary>
    public static CacheValueSigner CreateSigner(CacheSigningOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        const string S = CacheSigningOptions.SectionName;
        byte[] current;
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            current = System.Security.Cryptography.RandomNumberGenerator.GetBytes(CacheValueSigner.MinimumKeyLength);
            CacheSigningLog.EphemeralKey(logger);
        }
        else if (!CacheValueSigner.TryParseKey(options.SigningKey, out current, out var problem))
        {
            throw new InvalidOperationException($"{S}:SigningKey {problem}");
        }

        var previous = new List<byte[]>();
        if (!string.IsNullOrWhiteSpace(options.PreviousSigningKey))
        {
            if (!CacheValueSigner.TryParseKey(options.PreviousSigningKey, out var key, out var problem))
            {
                throw new InvalidOperationException($"{S}:PreviousSigningKey {problem}");
            }

            previous.Add(key);
        }

        var signer = new CacheValueSigner(current, previous);
        CacheSigningLog.Keys(logger, signer.CurrentKeyId, string.Join(", ", signer.AcceptedKeyIds));
        return signer;
    }
}
