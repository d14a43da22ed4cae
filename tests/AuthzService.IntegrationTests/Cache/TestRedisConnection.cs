using StackExchange.Redis;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// The tests' own Redis connection: patient timeouts for a loaded machine, and a close that does not
/// wait (Dispose would let in-flight commands complete first).
/// </summary>
internal sealed class TestRedisConnection : IDisposable
{
    private TestRedisConnection(ConnectionMultiplexer multiplexer)
    {
        Multiplexer = multiplexer;
    }

    public ConnectionMultiplexer Multiplexer { get; }

    public static async Task<TestRedisConnection> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.SyncTimeout = 10_000;
        options.AsyncTimeout = 10_000;
        options.ConnectTimeout = 10_000;
        return new TestRedisConnection(await ConnectionMultiplexer.ConnectAsync(options));
    }

    public IDatabase GetDatabase() => Multiplexer.GetDatabase();

    public void Dispose()
    {
        Multiplexer.Close(allowCommandsToComplete: false);
        Multiplexer.Dispose();
    }
}
