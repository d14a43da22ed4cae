using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>Builds the one pooled <see cref="SocketsHttpHandler"/> a channel uses for its target.</summary>
internal static class HttpHandlerFactory
{
    public static SocketsHttpHandler Create(Uri address, GrpcChannelOptions options, ILogger logger)
    {
        var handler = new SocketsHttpHandler
        {
            // C5: when the server's SETTINGS_MAX_CONCURRENT_STREAMS is reached, open another connection instead of queueing.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = options.KeepAlivePingPolicy,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            // Service-to-service traffic on a private network; an ambient HTTP_PROXY must not intercept it.
            UseProxy = false,
        };

        if (address.Scheme != Uri.UriSchemeHttps)
        {
            return handler;
        }

        var ssl = new SslClientAuthenticationOptions
        {
            // ALPN "h2" is added by the handler because every request is HTTP/2 with RequestVersionExact.
#pragma warning disable CA5398 // TLS 1.2+ is a requirement (C1), not a default to leave to the OS.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
        };

        if (options.VerifyServerCertificate)
        {
            var trusted = options.TrustedCaProvider
                ?? (options.TrustedCaCertificates is { Count: > 0 } cas ? new TrustedCaProvider(cas) : null);
            ssl.RemoteCertificateValidationCallback = new ServerCertificateValidator(trusted, logger).Validate;
        }
        else
        {
            GrpcClientLog.ServerCertificateVerificationDisabled(logger, address);
#pragma warning disable CA5359 // Explicit, off-by-default escape hatch for development.
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        var clientCertificates = options.ClientCertificateProvider
            ?? (options.ClientCertificate is { } cert ? new ClientCertificateProvider(cert) : null);
        if (clientCertificates is not null)
        {
            // Asked on every handshake, so a rotated certificate is used by the next new connection.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificates.Current!;
        }

        handler.SslOptions = ssl;
        return handler;
    }
}
