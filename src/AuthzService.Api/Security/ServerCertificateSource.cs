using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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
            [certPath, keyPath], () => Load(certPath, keyPath), options.Value.CertificateReloadInterval,
            (paths, error) => CallerCaSource.Report(logger, paths, error));
    }

    public SslStreamCertificateContext Current => _source.Current;

    internal static SslStreamCertificateContext Load(string certPath, string keyPath)
    {
        var leaf = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certPath);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            intermediates.Add(certificate);
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }
}
