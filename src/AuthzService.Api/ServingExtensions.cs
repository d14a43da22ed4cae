using AuthzService.Api.Audit;
using AuthzService.Api.Lifecycle;
using AuthzService.Api.RateLimiting;
using AuthzService.Api.Security;
using AuthzService.Api.Telemetry;
using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace AuthzService.Api;

/// <summary>
/// Serving safely in production: caller authentication and the allow-list, rate limits, the audit
/// trail, telemetry and graceful shutdown. Kept apart from <see cref="DependencyInjection"/> so the
/// domain wiring and the serving concerns change independently.
/// </summary>
public static class ServingExtensions
{
    /// <summary>Host-level settings that must be in place before the host is built (listeners, logging, shutdown).</summary>
    public static void ConfigureServingHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ListenerConfiguration.Configure(builder);
        if (!builder.Environment.IsDevelopment())
        {
            // JSON logs outside Development unless Logging:Console:FormatterName says otherwise.
            builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Json);
        }

        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    public static IServiceCollection AddServing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(configuration.GetSection(AuthOptions.SectionName));
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration.GetSection(RateLimitOptions.SectionName));
        services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>(configuration.GetSection(AuditOptions.SectionName));
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration.GetSection(TelemetryOptions.SectionName));
        services.AddValidatedOptions<LifecycleOptions, LifecycleOptionsValidator>(configuration.GetSection(LifecycleOptions.SectionName));
        services.AddOptions<HostOptions>().Configure<IOptions<LifecycleOptions>>((host, lifecycle) => host.ShutdownTimeout = lifecycle.Value.ShutdownGracePeriod);

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<AuthzMetrics>();
        services.AddAuthzTelemetry(configuration);

        services.TryAddSingleton<CallerAllowList>();
        services.TryAddSingleton<CallerCaSource>();
        services.TryAddSingleton<ServerCertificateSource>();
        services.TryAddSingleton<ClientCertificateValidator>();
        services.TryAddSingleton<GrpcListenerTls>();

        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<DecisionAuditor>();
        services.TryAddSingleton<CallRateLimiter>();
        services.TryAddSingleton<TenantTierCache>();

        // The interceptors of the serving path (their order is set in GrpcServiceOptionsSetup). Singletons: they keep
        // no per-call state, and Grpc.AspNetCore then resolves instead of creating one per call.
        services.TryAddSingleton<ShutdownGateInterceptor>();
        services.TryAddSingleton<CallerAuthenticationInterceptor>();
        services.TryAddSingleton<AdminAuditInterceptor>();
        services.TryAddSingleton<CallerRateLimitInterceptor>();
        services.TryAddSingleton<CallerTenantInterceptor>();
        services.TryAddSingleton<TenantRateLimitInterceptor>();
        return services;
    }

    /// <summary>
    /// Middleware in front of the gRPC endpoints: telemetry, which measures every request including those no
    /// interceptor sees (unknown methods, wrong content types). Everything else runs as interceptors.
    /// </summary>
    public static WebApplication UseServing(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestTelemetryMiddleware>();
        if (!ListenerSettings.From(app.Configuration).GrpcIsTls)
        {
            SecurityLog.PlaintextListener(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<CallerAuthenticationInterceptor>());
        }

        return app;
    }
}
