namespace AuthzService.Api.Security;

/// <summary>Operational log lines of caller authentication and TLS material (audit events are in AuditLog).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(3000, LogLevel.Information, "TLS material reloaded from {Paths}")]
    public static partial void TlsMaterialReloaded(ILogger logger, string paths);

    [LoggerMessage(3001, LogLevel.Warning, "TLS material in {Paths} changed but could not be loaded; keeping the previous one")]
    public static partial void TlsMaterialReloadFailed(ILogger logger, string paths, Exception exception);

    [LoggerMessage(3002, LogLevel.Warning, "The gRPC listener is plaintext (Auth:AllowPlaintext): callers are not authenticated and the allow-list is not applied")]
    public static partial void PlaintextListener(ILogger logger);
}
