using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AuthzService.Api.Security;

/// <summary>
/// TLS for the gRPC listener, decided per connection: the current server certificate (rotated files
/// apply to the next handshake) and a required, verified client certificate, kept on the connection as a
/// <see cref="CallerConnection"/> feature so each call on it is judged again.
/// </summary>
internal sealed class GrpcListenerTls(ServerCertificateSource serverCertificates, ClientCertificateValidator validator)
{
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private static readonly List<SslApplicationProtocol> s_grpcProtocols = [SslApplicationProtocol.Http2];
    private static readonly List<SslApplicationProtocol> s_httpProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>The gRPC listener: HTTP/2 only.</summary>
    public ValueTask<SslServerAuthenticationOptions> OnConnectionAsync(TlsHandshakeCallbackContext context) => Options(context, s_grpcProtocols);

    /// <summary>
    /// The AuthZEN HTTP listener: the same certificate, caller CA and per-call checks, offering HTTP/2 and HTTP/1.1
    /// (the PEPs of API gateways often speak only the latter).
    /// </summary>
    public ValueTask<SslServerAuthenticationOptions> OnHttpConnectionAsync(TlsHandshakeCallbackContext context) => Options(context, s_httpProtocols);

    private ValueTask<SslServerAuthenticationOptions> Options(TlsHandshakeCallbackContext context, List<SslApplicationProtocol> protocols)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Connection.RemoteEndPoint?.ToString() ?? "unknown";
        var caller = new CallerConnection();
        context.Connection.Features.Set(caller);
        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = serverCertificates.Current,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = validator.CallbackFor(peer, caller),
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            ApplicationProtocols = protocols,
#pragma warning disable CA5398 // TLS 1.2+ is a requirement, not a default to leave to the OS.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
        });
    }
}
