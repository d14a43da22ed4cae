namespace AuthzService.Infrastructure.Postgres;

/// <summary>Settings of <see cref="PostgresNotificationListener"/>.</summary>
public sealed class PostgresNotificationListenerOptions
{
    /// <summary>
    /// The channel the directory's SQL functions notify on (see <c>authz_invalidation_channel()</c> in
    /// migration 0001). Fixed today; a later migration may namespace it with the cache prefix.
    /// </summary>
    public const string DefaultChannel = "authz_invalidation";

    public string Channel { get; set; } = DefaultChannel;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle connection is probed, so a silently dropped one is noticed.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
