namespace AuthzService.Api.Health;

/// <summary>
/// Graceful shutdown (docs/grpc.md, S12), step one: health turns NOT_SERVING as soon as the application starts
/// stopping, before Kestrel stops accepting; the host's shutdown timeout is then the grace period for calls in
/// flight.
/// </summary>
internal sealed partial class HealthShutdownService(IHostApplicationLifetime lifetime, ServingHealth health, ILogger<HealthShutdownService> logger)
    : IHostedService, IDisposable
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            health.EnterShutdown();
            ShuttingDown(logger);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration.Dispose();

    [LoggerMessage(6510, LogLevel.Information, "Application stopping: every health status is now NOT_SERVING.")]
    private static partial void ShuttingDown(ILogger logger);
}
