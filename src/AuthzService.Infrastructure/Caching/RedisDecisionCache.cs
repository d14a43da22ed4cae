using AuthzService.Core.Caching;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// L2 on Redis (StackExchange.Redis 3). Best effort: every read is bounded by <c>Cache:RedisTimeout</c>;
/// a failure turns L2 off for a short cool-down (so an outage costs one timeout, not one per request),
/// is logged once per outage, and L2 is used again as soon as a probe after the cool-down succeeds.
/// The multiplexer reconnects by itself and queues nothing while away (<see cref="RedisConnectionOptions"/>). Values go through
/// <see cref="SignedDecisionCodec"/>: written signed, and a value that fails verification is a miss.
/// </summary>
public sealed class RedisDecisionCache : ISharedDecisionCache, IDisposable
{
    /// <summary>How long L2 is skipped after a failure before the next request probes it again.</summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromMilliseconds(500);

    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly TimeSpan _timeout;
    private readonly CacheMetrics _metrics;
    private readonly SignedDecisionCodec _codec;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _down;
    private long _probeAfterTicks;

    public RedisDecisionCache(
        string configuration, TimeSpan timeout, SignedDecisionCodec codec, CacheMetrics metrics, ILogger<RedisDecisionCache> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _timeout = timeout;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _connection = ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Create(configuration, timeout));
    }

    public bool IsEnabled => true;

    /// <summary>True once the first connection is up (reads skip L2 until then, and while Redis is away).</summary>
    public bool IsConnected => _connection.IsCompletedSuccessfully && _connection.Result.IsConnected;

    public async Task<IReadOnlyList<CachedDecision?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new CachedDecision?[keys.Count];
        if (keys.Count == 0 || Database("get") is not { } db)
        {
            return result;
        }

        RedisValue[] values;
        try
        {
            values = await db.StringGetAsync([.. keys.Select(k => (RedisKey)k)]).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            Failed("get", ex);
            return result;
        }

        Succeeded();
        for (var i = 0; i < keys.Count && i < values.Length; i++)
        {
            if (!values[i].IsNull)
            {
                result[i] = _codec.Decode(keys[i], values[i]);
            }
        }

        return result;
    }

    public void Store(IReadOnlyList<CachedDecision> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        if (!_connection.IsCompleted)
        {
            // Still connecting (first requests after start): write once connected instead of dropping the entries.
            _ = _connection.ContinueWith(_ => Store(entries), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return;
        }

        if (Database("set") is not { } db)
        {
            return;
        }

        var now = _time.GetUtcNow();
        try
        {
            foreach (var entry in entries)
            {
                var ttl = entry.ExpiresAt - now;
                if (ttl > TimeSpan.Zero)
                {
                    // Fire and forget: the caller's answer is ready; the write must not add latency.
                    db.StringSet(entry.Key, _codec.Encode(entry), ttl, When.Always, CommandFlags.FireAndForget);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            Failed("set", ex);
        }
    }

    public void Dispose()
    {
        if (_connection.IsCompletedSuccessfully)
        {
            _connection.Result.Dispose();
        }
    }

    /// <summary>The database, or null while Redis is unusable (still connecting, disconnected, or cooling down).</summary>
    private IDatabase? Database(string operation)
    {
        if (Volatile.Read(ref _down) == 1 && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _probeAfterTicks))
        {
            return null;
        }

        if (!_connection.IsCompletedSuccessfully)
        {
            if (_connection.IsFaulted)
            {
                Failed(operation, _connection.Exception?.GetBaseException());
            }

            return null;
        }

        var multiplexer = _connection.Result;
        if (!multiplexer.IsConnected)
        {
            Failed(operation, null);
            return null;
        }

        return multiplexer.GetDatabase();
    }

    private void Failed(string operation, Exception? exception)
    {
        _metrics.L2Error(operation);
        Interlocked.Exchange(ref _probeAfterTicks, (_time.GetUtcNow() + CoolDown).UtcTicks);
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            CacheInfrastructureLog.L2Down(_logger, exception, operation);
        }
    }

    private void Succeeded()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            CacheInfrastructureLog.L2Restored(_logger);
        }
    }
}
