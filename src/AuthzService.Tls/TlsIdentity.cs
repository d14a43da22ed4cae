using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Tls;

/// <summary>
/// A certificate with its private key and the intermediates that chain it towards the peer's trust anchor,
/// ready for a handshake on either side (<see cref="Context"/> sends the intermediates with the leaf).
/// </summary>
public sealed class TlsIdentity
{
    private TlsIdentity(X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        Context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    /// <summary>The leaf certificate, with a private key the TLS stack can use.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Certificates that followed the leaf in its file (or were given with it).</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>Leaf and intermediates as one handshake context.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>
    /// Reads a PEM certificate file (the leaf first, intermediates after it) and its PEM private key.
    /// </summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The files do not hold a certificate and its matching key.</exception>
    public static TlsIdentity FromPemFiles(string certificatePath, string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            intermediates.Add(certificate);
        }

        return new TlsIdentity(UsableKey(pem), intermediates);
    }

    /// <summary>An identity from a certificate set in code (it must carry its private key).</summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static TlsIdentity FromCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        }

        return new TlsIdentity(certificate, intermediates is null ? [] : [.. intermediates]);
    }

    // On Linux, SslStream cannot present a key that only lives in an ephemeral PEM import; a PKCS#12 round
    // trip gives it a key it can use for the handshake.
    private static X509Certificate2 UsableKey(X509Certificate2 pem) =>
        X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
}
