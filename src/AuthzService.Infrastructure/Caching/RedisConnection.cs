using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// The service's one Redis connection (a StackExchange.Redis multiplexer, configured by <see cref="RedisConnectionOptions"/>),
/// shared with the <c>IDistributedCache</c> of L2 through <c>RedisCacheOptions.ConnectionMultiplexerFactory</c>. It starts
/// connecting when created and never fails start-up: while Redis is away the multiplexer keeps reconnecting and
/// <see cref="IsConnected"/> is false. A standalone Redis and a Redis Cluster are both fine (the configuration string
/// names one or more nodes; a cluster is discovered from any of them).
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly Task<ConnectionMultiplexer> _connection;

    public RedisConnection(string configuration, TimeSpan timeout, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _connection = ConnectAsync(RedisConnectionOptions.Create(configuration, timeout), logger);
    }

    /// <summary>True once the first connection is up, and while it is (false while connecting and while Redis is away).</summary>
    public bool IsConnected => _connection.IsCompletedSuccessfully && _connection.Result.IsConnected;

    /// <summary>Still making the first connection (the multiplexer does not exist yet).</summary>
    public bool IsConnecting => !_connection.IsCompleted;

    /// <summary>The first connection's failure (a bad configuration string), if it failed; null otherwise.</summary>
    public Exception? Failure => _connection.IsFaulted ? _connection.Exception?.GetBaseException() : null;

    /// <summary>The multiplexer, once created (for <c>RedisCacheOptions.ConnectionMultiplexerFactory</c>).</summary>
    public async Task<IConnectionMultiplexer> GetAsync() => await _connection.ConfigureAwait(false);

    public void Dispose()
    {
        if (_connection.IsCompletedSuccessfully)
        {
            _connection.Result.Dispose();
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, ILogger logger)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var endpoints = string.Join(", ", multiplexer.GetEndPoints().Select(e => e.ToString()));
        var cluster = multiplexer.GetEndPoints().Any(e => multiplexer.GetServer(e) is { IsConnected: true, ServerType: ServerType.Cluster });
        CacheInfrastructureLog.RedisConnecting(logger, endpoints, cluster ? "cluster" : "standalone", multiplexer.IsConnected);
        return multiplexer;
    }
}
