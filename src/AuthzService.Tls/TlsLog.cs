using Microsoft.Extensions.Logging;

namespace AuthzService.Tls;

/// <summary>Log lines of the TLS-material component, with stable event ids (6400-6409; unique across the service).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(6400, LogLevel.Information, "TLS material reloaded from {Paths}")]
    public static partial void Reloaded(ILogger logger, string paths);

    [LoggerMessage(6401, LogLevel.Warning, "TLS material in {Paths} changed but could not be loaded; keeping the previous one")]
    public static partial void ReloadFailed(ILogger logger, string paths, Exception exception);

    [LoggerMessage(6402, LogLevel.Warning, "Rejected the server certificate {Subject}: {Reason}")]
    public static partial void ServerCertificateRejected(ILogger logger, string subject, string reason);

    [LoggerMessage(6403, LogLevel.Warning, "Server certificate verification is OFF for {Address}: any server is accepted. Development use only.")]
    public static partial void ServerCertificateVerificationDisabled(ILogger logger, Uri address);

    [LoggerMessage(6404, LogLevel.Debug, "New client TLS identity {Subject} for {Address}: new calls use new connections, calls in flight finish on the old ones")]
    public static partial void ClientIdentitySwitched(ILogger logger, string subject, Uri address);
}
