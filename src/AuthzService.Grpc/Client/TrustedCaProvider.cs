using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Grpc.Client;

/// <summary>
/// Holds the CA certificates that server certificates must chain to (custom root trust).
/// Each new TLS connection reads the current set, so a CA rotation needs no new channel.
/// </summary>
public sealed class TrustedCaProvider
{
    private X509Certificate2Collection _current;

    public TrustedCaProvider(X509Certificate2Collection certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        _current = [.. certificates];
    }

    public TrustedCaProvider(X509Certificate2 certificate)
        : this(new X509Certificate2Collection(certificate))
    {
    }

    /// <summary>Reads PEM certificates (one or more) from a file.</summary>
    public static TrustedCaProvider FromPemFile(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return new TrustedCaProvider(certificates);
    }

    public X509Certificate2Collection Current => Volatile.Read(ref _current);

    public void Update(X509Certificate2Collection certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        Volatile.Write(ref _current, [.. certificates]);
    }
}
