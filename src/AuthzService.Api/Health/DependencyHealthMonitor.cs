using Grpc.Health.V1;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Health;

/// <summary>
/// Probes every required dependency (PostgreSQL, Cerbos) on an interval and sets health: NOT_SERVING
/// until all have answered once, and again while any is down. Redis is not probed: losing it only
/// costs speed. During shutdown <see cref="ServingHealth"/> stays NOT_SERVING whatever the probes say.
/// </summary>
internal sealed partial class DependencyHealthMonitor(
    IEnumerable<IDependencyProbe> probes,
    ServingHealth health,
    IOptions<DependencyHealthOptions> options,
    ILogger<DependencyHealthMonitor> logger) : BackgroundService
{
    private readonly Dictionary<string, bool> _last = [];
    private HealthCheckResponse.Types.ServingStatus? _reported;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Set(HealthCheckResponse.Types.ServingStatus.NotServing);
        _reported = HealthCheckResponse.Types.ServingStatus.NotServing;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ProbeInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var allUp = true;
            foreach (var probe in probes)
            {
                var up = await ProbeOnceAsync(probe, stoppingToken);
                if (!_last.TryGetValue(probe.Name, out var was) || was != up)
                {
                    if (up)
                    {
                        DependencyUp(logger, probe.Name);
                    }
                    else
                    {
                        DependencyDown(logger, probe.Name);
                    }

                    _last[probe.Name] = up;
                }

                allUp &= up;
            }

            // Only a change is reported: a Watch stream hears of transitions, not of every probe round, and a
            // status set elsewhere (an operator's drain, a test) is not overwritten while nothing changed.
            var status = allUp ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
            if (_reported != status)
            {
                Set(status);
                _reported = status;
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> ProbeOnceAsync(IDependencyProbe probe, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.ProbeTimeout);
        try
        {
            return await probe.ProbeAsync(timeout.Token);
        }
#pragma warning disable CA1031 // Any failure of a probe means "down"; the reason is logged on the transition.
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            ProbeFailed(logger, probe.Name, ex.GetType().Name, ex.Message);
            return false;
        }
    }

    private void Set(HealthCheckResponse.Types.ServingStatus status) => health.SetAll(status);

    [LoggerMessage(2000, LogLevel.Information, "Dependency {Name} is up")]
    private static partial void DependencyUp(ILogger logger, string name);

    [LoggerMessage(2001, LogLevel.Error, "Dependency {Name} is down; health is NOT_SERVING")]
    private static partial void DependencyDown(ILogger logger, string name);

    [LoggerMessage(2002, LogLevel.Debug, "Probe of {Name} failed: {ErrorType}: {Error}")]
    private static partial void ProbeFailed(ILogger logger, string name, string errorType, string error);
}
