using AuthzService.Core.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// L2 on Redis through <see cref="IDistributedCache"/> (Microsoft.Extensions.Caching.StackExchangeRedis, <c>InstanceName</c> =
/// <c>Cache:KeyPrefix</c>, on the shared <see cref="RedisConnection"/>). Only single-key commands, so a Redis Cluster
/// serves it as a standalone Redis does; no key is ever scanned. Best effort: every read is bounded by
/// <c>Cache:RedisTimeout</c>; a failure turns L2 off for a short cool-down (so an outage costs one timeout, not one per
/// request), is logged once per outage, and L2 is used again as soon as a probe after the cool-down succeeds. Values go
/// through <see cref="SignedDecisionCodec"/>: written signed for their full Redis key name, and a value that fails
/// verification is a miss.
/// </summary>
public sealed class RedisDecisionCache : ISharedDecisionCache
{
    /// <summary>How long L2 is skipped after a failure before the next request probes it again.</summary>
    public static readonly TimeSpan CoolDown = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Entries with less time left are not written: the distributed cache sets the Redis TTL in whole seconds, so
    /// shorter ones would be deleted on arrival (and every read checks the entry's own expiry anyway).
    /// </summary>
    public static readonly TimeSpan MinimumTtl = TimeSpan.FromSeconds(1);

    private readonly IDistributedCache _cache;
    private readonly RedisConnection _connection;
    private readonly string _prefix;
    private readonly TimeSpan _timeout;
    private readonly CacheMetrics _metrics;
    private readonly SignedDecisionCodec _codec;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _down;
    private long _probeAfterTicks;

    /// <param name="cache">The distributed cache; its <c>InstanceName</c> must be <paramref name="prefix"/>.</param>
    /// <param name="prefix"><c>Cache:KeyPrefix</c>: every key starts with it, and the distributed cache adds it back.</param>
    public RedisDecisionCache(
        IDistributedCache cache, RedisConnection connection, string prefix, TimeSpan timeout, SignedDecisionCodec codec,
        CacheMetrics metrics, ILogger<RedisDecisionCache> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(codec);
        _cache = cache;
        _connection = connection;
        _prefix = prefix;
        _timeout = timeout;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public bool IsEnabled => true;

    /// <summary>True once the first connection is up (reads skip L2 until then, and while Redis is away).</summary>
    public bool IsConnected => _connection.IsConnected;

    public async Task<IReadOnlyList<CachedDecision?>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new CachedDecision?[keys.Count];
        if (keys.Count == 0 || !Usable("get"))
        {
            return result;
        }

        byte[]?[] values;
        try
        {
            // One HMGET per key, pipelined on the one connection (a multi-key read would span cluster slots).
            var reads = new Task<byte[]?>[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                reads[i] = Relative(keys[i]) is { } key ? _cache.GetAsync(key, CancellationToken.None) : Task.FromResult<byte[]?>(null);
            }

            values = await Task.WhenAll(reads).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            Failed("get", ex);
            return result;
        }

        Succeeded();
        for (var i = 0; i < keys.Count; i++)
        {
            result[i] = _codec.Decode(keys[i], values[i]);
        }

        return result;
    }

    public void Store(IReadOnlyList<CachedDecision> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0 || (!_connection.IsConnecting && !Usable("set")))
        {
            // While the first connection is still being made the writes wait for it (inside the distributed cache)
            // instead of being dropped; after that, a Redis that is away drops them at once (nothing is queued).
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var entry in entries)
        {
            if (entry.ExpiresAt - now >= MinimumTtl && Relative(entry.Key) is { } key)
            {
                // Fire and forget: the caller's answer is ready; the write must not add latency.
                _ = StoreAsync(key, _codec.Encode(entry), entry.ExpiresAt);
            }
        }
    }

    private async Task StoreAsync(string key, byte[] value, DateTimeOffset expiresAt)
    {
        try
        {
            // Bounded by the connection's own timeouts (Cache:RedisTimeout; connecting: RedisConnectionOptions).
            await _cache.SetAsync(key, value, new DistributedCacheEntryOptions { AbsoluteExpiration = expiresAt }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex) || ex is ArgumentOutOfRangeException)
        {
            // ArgumentOutOfRangeException: the entry expired while the write waited for the first connection.
            Failed("set", ex);
        }
    }

    /// <summary>The key without <c>Cache:KeyPrefix</c> (the distributed cache's <c>InstanceName</c> puts it back).</summary>
    private string? Relative(string key) =>
        key.StartsWith(_prefix, StringComparison.Ordinal) ? key[_prefix.Length..] : null;

    /// <summary>
    /// What Redis or the client can throw. <see cref="RedisCommandException"/> is not a <see cref="RedisException"/>: it is
    /// what a command the server or cluster refuses throws, and it must cost a miss, not the request (losing Redis
    /// costs speed, never correctness).
    /// </summary>
    private static bool IsStoreFailure(Exception ex) =>
        ex is RedisException or RedisCommandException or TimeoutException or ObjectDisposedException or InvalidOperationException;

    /// <summary>False while Redis is unusable (still connecting, disconnected, or cooling down after a failure).</summary>
    private bool Usable(string operation)
    {
        if (Volatile.Read(ref _down) == 1 && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _probeAfterTicks))
        {
            return false;
        }

        if (_connection.Failure is { } failure)
        {
            Failed(operation, failure);
            return false;
        }

        if (_connection.IsConnecting)
        {
            return false;
        }

        if (!_connection.IsConnected)
        {
            Failed(operation, null);
            return false;
        }

        return true;
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
