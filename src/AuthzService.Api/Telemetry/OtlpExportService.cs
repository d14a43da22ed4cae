using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// Exports the AuthzService meters and spans over OTLP when <see cref="TelemetryOptions.OtlpEndpoint"/>
/// is set. Built by hand (Sdk.Create*ProviderBuilder) because OpenTelemetry.Extensions.Hosting is not on
/// the package feed; disposing the providers on stop flushes what is pending.
/// </summary>
internal sealed partial class OtlpExportService(IOptions<TelemetryOptions> options, ILogger<OtlpExportService> logger) : IHostedService, IDisposable
{
    public static readonly string[] MeterNames = [AuthzMetrics.MeterName, "AuthzService.Cache"];

    private MeterProvider? _meters;
    private TracerProvider? _tracer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.OtlpEndpoint is not { } endpoint)
        {
            return Task.CompletedTask;
        }

        var http = value.OtlpProtocol == "http/protobuf";
        var resource = ResourceBuilder.CreateDefault().AddService(
            value.ServiceName,
            serviceVersion: typeof(OtlpExportService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            serviceInstanceId: Environment.MachineName);
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterNames)
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, endpoint, http, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)value.MetricExportInterval.TotalMilliseconds;
            })
            .Build();
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(AuthzActivitySource.Name)
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddOtlpExporter(exporter => Configure(exporter, endpoint, http, "v1/traces"))
            .Build();
        Exporting(logger, endpoint, value.OtlpProtocol);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _meters?.Dispose();
        _tracer?.Dispose();
        _meters = null;
        _tracer = null;
    }

    // With HTTP the signal path is part of the endpoint; gRPC takes the collector's base address.
    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, bool http, string signalPath)
    {
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = http ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath) : endpoint;
    }

    [LoggerMessage(7000, LogLevel.Information, "Exporting metrics and traces over OTLP to {Endpoint} ({Protocol})")]
    private static partial void Exporting(ILogger logger, Uri endpoint, string protocol);
}
