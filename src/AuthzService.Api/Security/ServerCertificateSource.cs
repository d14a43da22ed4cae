using System.Net.Security;
using AuthzService.Tls;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>
/// The gRPC listener's certificate from the PEM files Kestrel's configuration names
/// (<c>Kestrel:Endpoints:Grpc:Certificate:Path/KeyPath</c>), re-read when they change. Intermediates
/// after the leaf in the certificate file are sent with it.
/// </summary>
internal sealed class ServerCertificateSource
{
    private readonly ReloadingPemSource<SslStreamCertificateContext> _source;

    public ServerCertificateSource(IConfiguration configuration, IOptions<AuthOptions> options, ILogger<ServerCertificateSource> logger)
    {
        var listeners = ListenerSettings.From(configuration);
        var certPath = listeners.CertificatePath ?? throw new InvalidOperationException($"{ListenerSettings.CertificatePathKey} is not set.");
        var keyPath = listeners.KeyPath ?? throw new InvalidOperationException($"{ListenerSettings.KeyPathKey} is not set.");
        _source = new ReloadingPemSource<SslStreamCertificateContext>(
            [certPath, keyPath], () => Load(certPath, keyPath), options.Value.CertificateReloadInterval, logger);
    }

    public SslStreamCertificateContext Current => _source.Current;

    internal static SslStreamCertificateContext Load(string certPath, string keyPath) => TlsIdentity.FromPemFiles(certPath, keyPath).Context;
}
