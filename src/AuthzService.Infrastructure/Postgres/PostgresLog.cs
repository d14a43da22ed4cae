using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>Source-generated log messages of the PostgreSQL adapters (event ids 1300-1309; ids are unique across the service).</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(1300, LogLevel.Information, "Applied migration {Version} {Name}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(1301, LogLevel.Information, "Database schema is up to date at migration {Version}")]
    public static partial void MigrationsUpToDate(ILogger logger, int version);

    [LoggerMessage(1302, LogLevel.Information, "Listening for invalidations on channel {Channel}")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(1303, LogLevel.Warning, "Invalidation listener lost its connection (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ListenerConnectionLost(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(1304, LogLevel.Information, "Invalidation notifications may have been missed; resyncing caches")]
    public static partial void Resync(ILogger logger);

    [LoggerMessage(1305, LogLevel.Warning, "Ignoring malformed invalidation payload on {Channel}: {Payload}")]
    public static partial void BadPayload(ILogger logger, string channel, string payload);

    [LoggerMessage(1306, LogLevel.Error, "Invalidation sink failed on {Kind} notification")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string kind);
}
