using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AuthzService.Testing;

/// <summary>
/// A throwaway certificate authority for tests: issues server and client certificates
/// (ECDSA P-256) and writes them as PEM files when a process such as Cerbos needs files.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;

    public TestCertificates(string name = "AuthzService Test CA")
        : this(name, parent: null)
    {
    }

    private TestCertificates(string name, TestCertificates? parent)
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (parent is null)
        {
            Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            Chain = [];
            return;
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(parent.Ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(parent.Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), serial);
        using var withKey = issued.CopyWithPrivateKey(_caKey);
        Ca = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        Chain = [X509CertificateLoader.LoadCertificate(Ca.RawData), .. parent.Chain];
    }

    /// <summary>The CA certificate (with its private key).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>For an intermediate CA: itself and the intermediates above it (no root), leaf-side first; empty for a root.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>An intermediate CA issued by this one: what it issues chains to this CA through it.</summary>
    public TestCertificates IssueIntermediate(string name = "AuthzService Test Intermediate CA") => new(name, this);

    /// <summary>A server certificate for the given DNS names (and 127.0.0.1 / ::1 as IP SANs).</summary>
    public X509Certificate2 IssueServer(
        IEnumerable<string>? dnsNames = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue("CN=server", dnsNames ?? ["localhost"], uris: [], serverAuth: true, clientAuth: false, notBefore, notAfter);

    /// <summary>A client certificate whose identity is a DNS name and/or URI SAN (for example a SPIFFE id).</summary>
    public X509Certificate2 IssueClient(
        string commonName = "client", IEnumerable<string>? dnsNames = null, IEnumerable<Uri>? uris = null,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue($"CN={commonName}", dnsNames ?? [], uris ?? [], serverAuth: false, clientAuth: true, notBefore, notAfter);

    private X509Certificate2 Issue(
        string subject, IEnumerable<string> dnsNames, IEnumerable<Uri> uris, bool serverAuth, bool clientAuth,
        DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (serverAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }

        if (clientAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var uri in uris)
        {
            san.AddUri(uri);
        }

        if (serverAuth)
        {
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        using var issued = request.Create(Ca, from, to, serial);
        // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>
    /// Writes certificate and key PEM files; <paramref name="chain"/> (intermediates) follows the leaf in the
    /// certificate file, as cert-manager writes tls.crt. Returns (certPath, keyPath).
    /// </summary>
    public static (string CertPath, string KeyPath) WritePem(
        X509Certificate2 certificate, string directory, string name, IEnumerable<X509Certificate2>? chain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(
            certPath,
            string.Concat(new[] { certificate }.Concat(chain ?? []).Select(c => c.ExportCertificatePem() + "\n")),
            Encoding.ASCII);
        using var key = certificate.GetECDsaPrivateKey();
        if (key is not null)
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", Encoding.ASCII);
        }

        return (certPath, keyPath);
    }

    public string WriteCaPem(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "ca.crt");
        File.WriteAllText(path, Ca.ExportCertificatePem() + "\n", Encoding.ASCII);
        return path;
    }

    public void Dispose()
    {
        // Only the copy of this CA is ours; the rest of the chain belongs to the CAs above.
        if (Chain.Count > 0)
        {
            Chain[0].Dispose();
        }

        Ca.Dispose();
        _caKey.Dispose();
    }
}
