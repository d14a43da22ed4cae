using StackExchange.Redis;

namespace AuthzService.Infrastructure.Caching;

/// <summary>How the decision cache connects to Redis: a cache that is away or slow costs one bounded attempt, never a wait.</summary>
public static class RedisConnectionOptions
{
    /// <summary>Reconnect attempts back off from this...</summary>
    public const int ReconnectBaseMilliseconds = 250;

    /// <summary>...to at most this, so L2 is in use again within about this long after Redis comes back.</summary>
    public const int ReconnectMaxMilliseconds = 2000;

    /// <summary>
    /// <paramref name="configuration"/> (a StackExchange.Redis configuration string) with the cache's settings:
    /// <list type="bullet">
    /// <item>never fail start-up because Redis is away (<c>AbortOnConnectFail=false</c>): connect in the background and keep retrying;</item>
    /// <item>no backlog (<see cref="BacklogPolicy.FailFast"/>): StackExchange.Redis 2 and later queue commands while
    /// disconnected and send them after the reconnect; a cache must rather skip L2 at once than hold reads, and
    /// writes of answers long given, for an outage;</item>
    /// <item>every timeout from <paramref name="timeout"/> (<c>Cache:RedisTimeout</c>; connecting gets at least 1 s);</item>
    /// <item>reconnects back off to <see cref="ReconnectMaxMilliseconds"/>, not the default 10 s.</item>
    /// </list>
    /// </summary>
    public static ConfigurationOptions Create(string configuration, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        options.SyncTimeout = ms;
        options.AsyncTimeout = ms;
        options.ConnectTimeout = Math.Max(ms, 1000);
        options.ReconnectRetryPolicy = new ExponentialRetry(ReconnectBaseMilliseconds, ReconnectMaxMilliseconds);
        options.KeepAlive = 5;
        return options;
    }
}
