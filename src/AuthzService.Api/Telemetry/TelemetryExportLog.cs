using Microsoft.Extensions.Options;

namespace AuthzService.Api.Telemetry;

/// <summary>Says once at start where telemetry goes (registered only when an OTLP endpoint is set).</summary>
internal sealed partial class TelemetryExportLog(IOptions<TelemetryOptions> options, ILogger<TelemetryExportLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.OtlpEndpoint is { } endpoint)
        {
            Exporting(logger, endpoint, options.Value.OtlpProtocol);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(7000, LogLevel.Information, "Exporting metrics and traces over OTLP to {Endpoint} ({Protocol})")]
    private static partial void Exporting(ILogger logger, Uri endpoint, string protocol);
}
