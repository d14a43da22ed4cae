using AuthzService.Api.Audit;
using AuthzService.Api.Lifecycle;
using AuthzService.Api.Options;
using AuthzService.Api.RateLimiting;
using AuthzService.Api.Security;
using AuthzService.Api.Telemetry;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Grpc.Server;
using AuthzService.Infrastructure;
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
        services.AddHostedService<OtlpExportService>();

        services.TryAddSingleton<CallerAllowList>();
        services.TryAddSingleton<CallerCaSource>();
        services.TryAddSingleton<ServerCertificateSource>();
        services.TryAddSingleton<ClientCertificateValidator>();
        services.TryAddSingleton<GrpcListenerTls>();

        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<DecisionAuditor>();
        services.TryAddSingleton<CallRateLimiter>();
        services.TryAddSingleton<TenantTierCache>();

        // Interceptors run in this order: admin audit outermost, so refused admin calls are audited too; then the
        // caller's limit, before anything looks at what the request names; then the caller's tenant binding, so a
        // caller cannot spend another tenant's budget; then the tenant's limit (valid tenant ids only); the
        // handler validates the rest.
        services.AddSingleton<IServerCallInterceptor, AdminAuditInterceptor>();
        services.AddSingleton<IServerCallInterceptor, CallerRateLimitInterceptor>();
        services.AddSingleton<IServerCallInterceptor, CallerTenantInterceptor>();
        services.AddSingleton<IServerCallInterceptor, TenantRateLimitInterceptor>();

        // The tenant limit learns tiers from the principals decisions load anyway: no directory read of its own.
        services.Decorate<IPrincipalSource>((sp, inner) => new TierLearningPrincipalSource(inner, sp.GetRequiredService<TenantTierCache>()));
        services.Decorate<IPrincipalSource>((_, inner) => new TracingPrincipalSource(inner));
        services.Decorate<IPolicyDecisionPoint>((_, inner) => new TracingDecisionPoint(inner));
        return services;
    }

    /// <summary>Middleware in front of the gRPC endpoint: telemetry outermost, then the shutdown gate, then authentication.</summary>
    public static WebApplication UseServing(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestTelemetryMiddleware>();
        app.UseMiddleware<ShutdownGateMiddleware>();
        app.UseMiddleware<CallerAuthenticationMiddleware>();
        if (!ListenerSettings.From(app.Configuration).GrpcIsTls)
        {
            SecurityLog.PlaintextListener(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<CallerAuthenticationMiddleware>());
        }

        return app;
    }
}
