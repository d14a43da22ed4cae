namespace AuthzService.Api.Security;

/// <summary>Operational log lines of caller authentication (audit events are in AuditLog; TLS material reloads log through AuthzService.Tls).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(3002, LogLevel.Warning, "The gRPC listener is plaintext (Auth:AllowPlaintext): callers are not authenticated and the allow-list is not applied")]
    public static partial void PlaintextListener(ILogger logger);
}
