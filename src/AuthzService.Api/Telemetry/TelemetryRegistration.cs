using System.Reflection;
using AuthzService.Infrastructure.Postgres;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// OpenTelemetry through <c>AddOpenTelemetry()</c>: our spans (server, principal, decision cache, Cerbos) and
/// meters, with the ASP.NET Core, HttpClient, Npgsql and runtime instrumentation, exported over OTLP when
/// <see cref="TelemetryOptions.OtlpEndpoint"/> is set. Without an endpoint nothing is registered, so nothing
/// listens and the hot path records no spans at all.
/// </summary>
internal static class TelemetryRegistration
{
    public static readonly string[] MeterNames = [AuthzMetrics.MeterName, "AuthzService.Cache"];

    // Named exporter options: the values come from the validated TelemetryOptions when the providers are built.
    private const string Traces = "authz-traces";
    private const string Metrics = "authz-metrics";

    public static IServiceCollection AddAuthzTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // Decided from the raw value: a malformed one is still reported by TelemetryOptionsValidator with the others.
        if (string.IsNullOrWhiteSpace(configuration[$"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.OtlpEndpoint)}"]))
        {
            return services;
        }

        services.AddOptions<OtlpExporterOptions>(Traces).Configure<IOptions<TelemetryOptions>>((exporter, options) => Configure(exporter, options.Value, "v1/traces"));
        services.AddOptions<OtlpExporterOptions>(Metrics).Configure<IOptions<TelemetryOptions>>((exporter, options) => Configure(exporter, options.Value, "v1/metrics"));
        services.AddOptions<MetricReaderOptions>(Metrics).Configure<IOptions<TelemetryOptions>>((reader, options) =>
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.Value.MetricExportInterval.TotalMilliseconds);
        services.AddHostedService<TelemetryExportLog>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(sp => new ServiceResourceDetector(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value)))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoBackgroundClientRoots()))
                .AddSource(AuthzActivitySource.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPostgresDirectoryInstrumentation()
                .AddOtlpExporter(Traces, configure: null))
            .WithMetrics(metrics => metrics
                .AddMeter(MeterNames)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPostgresDirectoryInstrumentation()
                .AddOtlpExporter(Metrics, configureExporterAndMetricReader: null));
        return services;
    }

    // With HTTP the signal path is part of the endpoint; gRPC takes the collector's base address.
    private static void Configure(OtlpExporterOptions exporter, TelemetryOptions options, string signalPath)
    {
        var endpoint = options.OtlpEndpoint!;
        var http = options.OtlpProtocol == "http/protobuf";
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = http ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath) : endpoint;
    }

    /// <summary>
    /// Roots of traces: every request, but no client span that starts one (the health probes' PostgreSQL and
    /// Cerbos calls every few seconds, the invalidation listener's reconnects); inside a request everything is kept.
    /// </summary>
    private sealed class NoBackgroundClientRoots : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Kind == System.Diagnostics.ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }

    /// <summary><c>service.name</c> from <see cref="TelemetryOptions.ServiceName"/>, the build's version, the host name as instance.</summary>
    private sealed class ServiceResourceDetector(TelemetryOptions options) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty().AddService(
            options.ServiceName,
            serviceVersion: typeof(TelemetryRegistration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            serviceInstanceId: Environment.MachineName).Build();
    }
}
