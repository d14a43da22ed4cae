using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Caching;

/// <summary>Source-generated log messages of the cache stores (event ids 1200-1299, 6550-6599).</summary>
internal static partial class CacheInfrastructureLog
{
    [LoggerMessage(1200, LogLevel.Warning, "Redis L2 unavailable ({Operation}); continuing with L1 and the PDP until it answers again")]
    public static partial void L2Down(ILogger logger, Exception? exception, string operation);

    [LoggerMessage(1201, LogLevel.Information, "Redis L2 answering again; shared cache back in use")]
    public static partial void L2Restored(ILogger logger);

    [LoggerMessage(1202, LogLevel.Warning,
        "Unreadable L2 value under {Key} ({Length} bytes) though its signature is valid: treated as a miss. {Suppressed} more since the last report (reported at most once a minute)")]
    public static partial void L2Corrupt(ILogger logger, string key, int length, long suppressed);

    [LoggerMessage(1203, LogLevel.Information, "Decision cache: L1 limit {L1SizeLimit} entries, TTL {Ttl}, L2 {L2}, prefix {Prefix}, policy revision '{PolicyRevision}'")]
    public static partial void Configured(ILogger logger, long l1SizeLimit, TimeSpan ttl, string l2, string prefix, string policyRevision);

    [LoggerMessage(6550, LogLevel.Information, "Redis L2: {Endpoints} ({Mode}), connected now: {Connected} (reconnects by itself while not)")]
    public static partial void RedisConnecting(ILogger logger, string endpoints, string mode, bool connected);
}
