using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Configuration;
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
    /// The decision cache as this layer owns it: <see cref="CacheOptions"/> and <see cref="CacheSigningOptions"/>
    /// bound and validated at start-up, L1, L2 (when <c>ConnectionStrings:Redis</c> is set) and the invalidation
    /// listener on <paramref name="postgresConnectionString"/> as a hosted service feeding the principal cache.
    /// The caching decorators themselves are built by <see cref="CachingPrincipalSourceOver"/> and
    /// <see cref="CachingDecisionPointOver"/> where the host composes its decision pipeline.
    /// </summary>
    public static IServiceCollection AddDecisionCache(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> postgresConnectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(postgresConnectionString);

        services.AddValidatedOptions<CacheOptions, CacheOptionsValidator>(configuration.GetSection(CacheOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CacheSigningOptions>, CacheSigningOptionsValidator>());
        services.AddOptions<CacheSigningOptions>().Bind(configuration.GetSection(CacheSigningOptions.SectionName)).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<ILocalCache, MemoryLocalCache>();
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

        return services;
    }

    /// <summary>The principal cache (L1, invalidated by notifications and versions) over <paramref name="inner"/>.</summary>
    public static IPrincipalSource CachingPrincipalSourceOver(IServiceProvider services, IPrincipalSource inner)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new CachingPrincipalSource(
            inner, services.GetRequiredService<PrincipalCacheInvalidation>(), services.GetRequiredService<ILocalCache>(),
            services.GetRequiredService<IInvalidationChannel>(), services.GetRequiredService<IOptions<CacheOptions>>(),
            services.GetRequiredService<CacheMetrics>(), services.GetRequiredService<TimeProvider>());
    }

    /// <summary>The decision cache (L1, then L2 when configured) over <paramref name="inner"/>.</summary>
    public static IPolicyDecisionPoint CachingDecisionPointOver(IServiceProvider services, IPolicyDecisionPoint inner)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new CachingDecisionPoint(
            inner, services.GetRequiredService<ILocalCache>(), services.GetRequiredService<ISharedDecisionCache>(),
            services.GetRequiredService<IOptions<CacheOptions>>(), services.GetRequiredService<CacheMetrics>(),
            services.GetRequiredService<ILogger<CachingDecisionPoint>>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<PrincipalCacheInvalidation>(), services.GetService<PolicyWatchState>());
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
