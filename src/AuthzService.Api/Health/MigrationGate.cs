using AuthzService.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Health;

/// <summary>
/// Waits for PostgreSQL, then applies (AutoMigrate) or verifies the migrations. Until that has
/// succeeded the PostgreSQL probe reports down, so health stays NOT_SERVING. A database whose
/// migrations differ from the code's is not a transient fault: the service stops with one line.
/// </summary>
internal sealed partial class MigrationGate(
    MigrationRunner runner,
    IOptions<DatabaseOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationGate> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WhenReady => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (options.Value.AutoMigrate)
                {
                    await runner.MigrateAsync(stoppingToken);
                }
                else
                {
                    await runner.VerifyAsync(stoppingToken);
                }

                _ready.TrySetResult();
                return;
            }
            catch (Exception ex) when (MigrationRunner.IsTransient(ex) && !stoppingToken.IsCancellationRequested)
            {
                Waiting(logger, ex.GetType().Name, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Fatal(logger, ex);
                await Console.Error.WriteLineAsync("configuration error: ConnectionStrings:Postgres: " + ex.Message);
                Environment.ExitCode = StartupErrorReporter.ConfigurationExitCode;
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(2010, LogLevel.Warning, "PostgreSQL not reachable yet ({ErrorType}); retrying in {Delay}")]
    private static partial void Waiting(ILogger logger, string errorType, TimeSpan delay);

    [LoggerMessage(2011, LogLevel.Critical, "Database migrations do not match this build; stopping")]
    private static partial void Fatal(ILogger logger, Exception exception);
}
