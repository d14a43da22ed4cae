using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Source-generated log messages of the Cerbos policy-store watcher. Event ids are stable: 1330-1339.</summary>
internal static partial class PolicyWatchLog
{
    [LoggerMessage(1330, LogLevel.Information, "Watching Cerbos's policy store at {Address} every {Interval}")]
    public static partial void PolicyWatchStarted(ILogger logger, string address, TimeSpan interval);

    [LoggerMessage(1331, LogLevel.Warning,
        "Cannot read Cerbos's policy store metrics ({Detail}); until they can, decisions are cached at most {UnconfirmedTtl} and not read from L2")]
    public static partial void PolicyWatchUnconfirmed(ILogger logger, string detail, TimeSpan unconfirmedTtl);

    [LoggerMessage(1332, LogLevel.Information, "Cerbos's policy store metrics can be read: the decision cache uses its full TTL and L2")]
    public static partial void PolicyWatchConfirmed(ILogger logger);

    [LoggerMessage(1333, LogLevel.Information, "Policy epoch bumped to {Epoch}: {Reason} in Cerbos's policy store")]
    public static partial void PolicyEpochBumped(ILogger logger, string reason, long epoch);

    [LoggerMessage(1334, LogLevel.Error, "Could not bump the policy epoch ({Reason}); trying again at the next reading")]
    public static partial void PolicyEpochBumpFailed(ILogger logger, string reason, Exception exception);
}
