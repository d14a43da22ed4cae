using System.Net.Security;
using System.Security.Cryptography;
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
    /// <exception cref="CryptographicException">The files do not hold a certificate and its matching key (a key of another certificate included).</exception>
    public static TlsIdentity FromPemFiles(string certificatePath, string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        using var pem = ReadPair(certificatePath, keyPath);
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

    // The framework reports a key that is not the certificate's (or not a key at all) as an ArgumentException about
    // its parameter, and a key on a curve OpenSSL does not know as PlatformNotSupportedException; to our callers each
    // is a bad file like any other, which a reload must survive (both found by fuzzing, issue 14 point 4).
    private static X509Certificate2 ReadPair(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is ArgumentException or PlatformNotSupportedException)
        {
            throw new CryptographicException($"'{certificatePath}' and '{keyPath}' do not hold a certificate and its private key: {ex.Message}", ex);
        }
    }

    // On Linux, SslStream cannot present a key that only lives in an ephemeral PEM import; a PKCS#12 round
    // trip gives it a key it can use for the handshake.
    private static X509Certificate2 UsableKey(X509Certificate2 pem) =>
        X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
}
