using AuthzService.Grpc.Server.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Health.Internal;

/// <summary>
/// S12, step one: health turns NOT_SERVING as soon as the application starts stopping, before
/// Kestrel stops accepting; Kestrel's shutdown timeout is then the grace period for in-flight calls.
/// </summary>
internal sealed class HealthShutdownHostedService : IHostedService, IDisposable
{
    private readonly IHostApplicationLifetime _lifetime;
    private readonly HealthStatusRegistry _registry;
    private readonly ILogger _logger;
    private CancellationTokenRegistration _registration;

    public HealthShutdownHostedService(IHostApplicationLifetime lifetime, HealthStatusRegistry registry, ILoggerFactory loggerFactory)
    {
        _lifetime = lifetime;
        _registry = registry;
        _logger = loggerFactory.CreateLogger("AuthzService.Grpc.Server");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = _lifetime.ApplicationStopping.Register(() =>
        {
            _registry.EnterShutdown();
            GrpcServerLog.HealthShutdown(_logger);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration.Dispose();
}
