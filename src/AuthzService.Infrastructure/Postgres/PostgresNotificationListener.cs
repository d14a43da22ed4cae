using System.Security.Cryptography;
using AuthzService.Core.Invalidation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// Holds one dedicated connection that LISTENs for directory changes and forwards them to an
/// <see cref="IInvalidationSink"/>. Reconnects with exponential backoff when the connection is lost.
/// </summary>
/// <remarks>
/// NOTIFY is not durable: whatever is sent while we are not listening is gone. So the sink gets
/// <see cref="IInvalidationSink.OnResync"/> when the connection is lost (stop trusting what we cached) and
/// again once LISTEN is active on the new connection (anything cached in between may be stale too).
/// </remarks>
public sealed class PostgresNotificationListener : IHostedService, IAsyncDisposable, IInvalidationChannel
{
    private readonly string _connectionString;
    private readonly IInvalidationSink _sink;
    private readonly ILogger _logger;
    private readonly PostgresNotificationListenerOptions _options;
    private readonly Lock _gate = new();
    private TaskCompletionSource _listening = NewSignal();
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private int _disposed;

    public PostgresNotificationListener(
        string connectionString,
        IInvalidationSink sink,
        ILogger<PostgresNotificationListener>? logger = null,
        PostgresNotificationListenerOptions? options = null)
    {
        _options = options ?? new PostgresNotificationListenerOptions();
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // A dedicated connection: never hand a LISTENing (or broken) connection back to a pool. Multiplexing
            // needs a pool (and would not keep LISTEN on one connection): off, whatever the shared string says.
            Pooling = false,
            Multiplexing = false,
            KeepAlive = (int)Math.Max(1, _options.KeepAlive.TotalSeconds),
        };
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "authz-invalidation-listener";
        }

        _connectionString = builder.ConnectionString;
        _sink = sink;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>True while LISTEN is active on a live connection.</summary>
    public bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _listening.Task.IsCompleted;
            }
        }
    }

    /// <summary>Completes once LISTEN is active (now, or after the next successful reconnect).</summary>
    public Task WhenListeningAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _listening.Task.WaitAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The listener is already started.");
        }

        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null || _stopping is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown budget is spent (e.g. by calls outliving the grace period). The loop has
            // been told to stop and ends on its own; failing the host's stop would only hide the real cause.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container may dispose us twice (registered as itself and as an IHostedService factory result).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None);
        _stopping?.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var attempt = 0;
        var listenedBefore = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(stopping);
                await using (var listen = new NpgsqlCommand("LISTEN " + QuoteIdentifier(_options.Channel), connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                attempt = 0;
                PostgresLog.Listening(_logger, _options.Channel);
                if (listenedBefore)
                {
                    Resync();
                }

                listenedBefore = true;
                SetListening(true);
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var wasListening = IsListening;
                SetListening(false);
                if (wasListening)
                {
                    Resync();
                }

                attempt++;
                var delay = Backoff(attempt);
                PostgresLog.ListenerConnectionLost(_logger, ex, attempt, delay);
                try
                {
                    await Task.Delay(delay, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        SetListening(false);
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var message = InvalidationMessage.TryParse(e.Payload);
        if (message is null)
        {
            PostgresLog.BadPayload(_logger, e.Channel, e.Payload);
            return;
        }

        // A throwing sink must not tear down the connection: log it and keep listening.
        try
        {
            switch (message.Kind)
            {
                case InvalidationMessage.PrincipalKind:
                    _sink.OnPrincipalChanged(message.TenantId!, message.PrincipalId!, message.Version);
                    break;
                case InvalidationMessage.TenantKind:
                    _sink.OnTenantChanged(message.TenantId!, message.Version);
                    break;
                default:
                    _sink.OnPolicyEpochChanged(message.Version);
                    break;
            }
        }
        catch (Exception ex)
        {
            PostgresLog.SinkFailed(_logger, ex, message.Kind);
        }
    }

    private void Resync()
    {
        PostgresLog.Resync(_logger);
        try
        {
            _sink.OnResync();
        }
        catch (Exception ex)
        {
            PostgresLog.SinkFailed(_logger, ex, "resync");
        }
    }

    private void SetListening(bool listening)
    {
        lock (_gate)
        {
            if (listening)
            {
                _listening.TrySetResult();
            }
            else if (_listening.Task.IsCompleted)
            {
                _listening = NewSignal();
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.MinReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, _options.MaxReconnectDelay.TotalMilliseconds);

        // Jitter, so replicas that lost the database together do not reconnect in lockstep.
        var jitter = RandomNumberGenerator.GetInt32(0, 1000) / 1000.0 * 0.2 * capped;
        return TimeSpan.FromMilliseconds(capped * 0.9 + jitter);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
