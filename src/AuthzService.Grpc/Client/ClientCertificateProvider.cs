using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Grpc.Client;

/// <summary>
/// Holds the client certificate presented on each new TLS connection. Swapping it (certificate
/// rotation) affects connections opened afterwards, without rebuilding the channel.
/// </summary>
public sealed class ClientCertificateProvider
{
    private X509Certificate2? _current;

    public ClientCertificateProvider(X509Certificate2? initial = null)
    {
        _current = initial;
    }

    public X509Certificate2? Current => Volatile.Read(ref _current);

    public void Update(X509Certificate2? certificate) => Volatile.Write(ref _current, certificate);
}
