using AuthzService.Api.Audit;
using AuthzService.Api.AuthZen;
using AuthzService.Api.Health;
using AuthzService.Api.Services;
using AuthzService.Api.Serving;
using AuthzService.Api.Validation;
using AuthzService.Infrastructure.Caching;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Infrastructure.Configuration;
using AuthzService.Infrastructure.Postgres;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthzService.Api;

/// <summary>
/// The composition root: every service the host needs, bound and validated from configuration. Each layer
/// registers what it owns (<c>AddPostgresDirectory</c>, <c>AddCerbosDecisionPoint</c>, <c>AddDecisionCache</c>, with
/// their options and validators); the decision pipeline's order is <see cref="DecisionPipeline"/>'s alone.
/// </summary>
public static class DependencyInjection
{
    public static IServiceCollection AddAuthzServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        AddGrpcServer(services, configuration);

        services.AddValidatedOptions<DependencyHealthOptions, DependencyHealthOptionsValidator>(configuration.GetSection(DependencyHealthOptions.SectionName));

        services.AddRequestValidators();
        services.AddPostgresDirectory(configuration);
        services.AddSingleton<MigrationGate>();
        services.AddHostedService(sp => sp.GetRequiredService<MigrationGate>());
        services.AddCerbosDecisionPoint(configuration);
        services.AddDecisionCache(configuration, sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!);
        services.AddDecisionPipeline();

        services.AddSingleton<IDependencyProbe, PostgresProbe>();
        services.AddSingleton<IDependencyProbe, CerbosProbe>();
        services.AddSingleton<ServingHealth>();
        services.AddHostedService<DependencyHealthMonitor>();
        services.AddHostedService<HealthShutdownService>();
        return services;
    }

    public static WebApplication MapAuthzServices(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<HealthService>();
        app.MapGrpcService<AuthorizationGrpcService>();
        app.MapGrpcService<MembershipGrpcService>();
        app.MapGrpcService<CacheGrpcService>();
        // grpc.reflection.v1 and v1alpha (grpcurl, Postman): a method like any other, so on TLS only callers whose
        // allow-list entry names it; refused on the health-only listener.
        app.MapGrpcReflectionService();
        // AuthZEN over HTTP/JSON: answers only on the Kestrel:Endpoints:Http listener (docs/authzen.md).
        app.MapAuthZen();
        return app;
    }

    /// <summary>
    /// Grpc.AspNetCore with our options (<c>Grpc:Server</c>, validated at start-up). Services and the interceptors
    /// that need nothing of the serving layer are singletons: stateless, so no instance per call.
    /// </summary>
    private static void AddGrpcServer(IServiceCollection services, IConfiguration configuration)
    {
        services.AddGrpc();
        services.AddGrpcReflection();
        services.AddValidatedOptions<GrpcServerOptions, GrpcServerOptionsValidator>(configuration.GetSection(GrpcServerOptions.SectionName));
        services.AddSingleton<IConfigureOptions<GrpcServiceOptions>, GrpcServiceOptionsSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ExactGrpcPathPolicy>());
        services.AddSingleton<DeadlineBoundInterceptor>();
        services.AddSingleton<ValidationInterceptor>();
        services.AddSingleton<StatusMappingInterceptor>();
        services.AddSingleton<DecisionAuditInterceptor>();
        services.AddSingleton<HealthService>();
        services.AddSingleton<AuthorizationGrpcService>();
        services.AddSingleton<MembershipGrpcService>();
        services.AddSingleton<CacheGrpcService>();
        services.AddAuthZen(configuration);
    }
}
