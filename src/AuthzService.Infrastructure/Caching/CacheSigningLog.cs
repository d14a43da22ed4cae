using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Caching;

/// <summary>Source-generated log messages of L2 value authentication (event ids 6150-6199).</summary>
internal static partial class CacheSigningLog
{
    [LoggerMessage(6150, LogLevel.Warning,
        "L2 value refused under {Key}: {Reason} (key id '{KeyId}'); treated as a miss. {Suppressed} more refused since the last report (reported at most once a minute; see authz.cache.rejected). "
        + "Something else writes to this Redis and prefix: a forgery, another deployment with its own signing key, or a value signed with a retired key")]
    public static partial void ValueRefused(ILogger logger, string key, string reason, string keyId, long suppressed);

    [LoggerMessage(6151, LogLevel.Warning,
        "Cache:SigningKey is not set: L2 values are signed with a random key of this process, so other replicas and restarts cannot use them. Set Cache:SigningKey (required outside Development)")]
    public static partial void EphemeralKey(ILogger logger);

    [LoggerMessage(6152, LogLevel.Information, "L2 values are signed with key id {KeyId}; reads accept key ids {AcceptedKeyIds}")]
    public static partial void Keys(ILogger logger, string keyId, string acceptedKeyIds);
}
