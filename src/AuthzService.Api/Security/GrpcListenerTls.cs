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

    public ValueTask<SslServerAuthenticationOptions> OnConnectionAsync(TlsHandshakeCallbackContext context)
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
            ApplicationProtocols = [SslApplicationProtocol.Http2],
#pragma warning disable CA5398 // TLS 1.2+ is a requirement, not a default to leave to the OS.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
        });
    }
}
