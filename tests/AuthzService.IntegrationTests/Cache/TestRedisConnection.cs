using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// The tests' own Redis connection (a standalone Redis or a cluster): patient timeouts for a loaded machine, and a
/// close that does not wait (Dispose would let in-flight commands complete first). L2 values are read and written
/// the way the service stores them (the Redis distributed cache's hash), under their full Redis key names.
/// </summary>
internal sealed class TestRedisConnection : IDisposable
{
    private readonly RedisCache _values;

    private TestRedisConnection(ConnectionMultiplexer multiplexer)
    {
        Multiplexer = multiplexer;
        _values = new RedisCache(Options.Create(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(multiplexer),
        }));
    }

    public ConnectionMultiplexer Multiplexer { get; }

    public static async Task<TestRedisConnection> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.SyncTimeout = 10_000;
        options.AsyncTimeout = 10_000;
        options.ConnectTimeout = 10_000;
        options.AllowAdmin = true; // INFO commandstats (the no-scan check)
        return new TestRedisConnection(await ConnectionMultiplexer.ConnectAsync(options));
    }

    public IDatabase GetDatabase() => Multiplexer.GetDatabase();

    /// <summary>The L2 value stored under the Redis key <paramref name="key"/> (prefix included), or null.</summary>
    public Task<byte[]?> GetValueAsync(string key) => _values.GetAsync(key);

    /// <summary>Writes <paramref name="value"/> as an L2 value under the Redis key <paramref name="key"/>, for five minutes.</summary>
    public Task SetValueAsync(string key, byte[] value) =>
        _values.SetAsync(key, value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

    /// <summary>
    /// Every key matching <paramref name="pattern"/>: exactly one KEYS command to each primary (test-only; the service never
    /// scans). Not <c>IServer.Keys</c>, which pages with SCAN, so the no-scan test can tell the fixture's scans from any other.
    /// </summary>
    public IReadOnlyList<string> Keys(string pattern) =>
        [.. Multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica).SelectMany(s => (string[])s.Execute("KEYS", pattern)!)];

    public void Dispose()
    {
        // Not _values.Dispose(): that would close the multiplexer letting in-flight commands complete.
        Multiplexer.Close(allowCommandsToComplete: false);
        Multiplexer.Dispose();
    }
}
