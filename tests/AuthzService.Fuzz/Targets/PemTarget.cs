using System.Security.Cryptography;
using System.Text;
using AuthzService.Tls;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// The PEM loaders the TLS code reads its files with: <see cref="PemCertificates.LoadBundle"/> (CA bundles) and
/// <see cref="TlsIdentity.FromPemFiles"/> (certificate chain and key; the input is both files). Contract: each
/// returns a usable value or throws what it documents (the bundle: <see cref="InvalidDataException"/> or
/// <see cref="CryptographicException"/>; the identity: <see cref="CryptographicException"/>), which
/// <see cref="ReloadingPemSource{T}"/> turns into "keep the previous value"; any other exception would escape a
/// reload in the middle of a handshake.
/// </summary>
internal sealed class PemTarget : FuzzTarget
{
    private static readonly string s_path = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"authz-fuzz-pem-{Environment.ProcessId}.pem");

    public override string Name => "pem";

    public override string Description => "a PEM file -> PemCertificates.LoadBundle, TlsIdentity.FromPemFiles (same file as certificate and key)";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\n", "-----END PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\n", "-----END EC PRIVATE KEY-----\n", "-----BEGIN RSA PRIVATE KEY-----\n", "-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", "-----BEGIN PUBLIC KEY-----\n", "-----BEGIN X509 CRL-----\n", "-----BEGIN TRUSTED CERTIFICATE-----\n",
            "MIIB", "MII", "AAAA", "====", "\r\n", "\n",
        }.Select(Encoding.ASCII.GetBytes),
    ];

    // Each input is a file write and two OpenSSL imports: fewer than the in-memory targets, for a smoke run of seconds.
    public override int SmokeMutations => 1000;

    /// <summary>Removes the scratch file (the process may also just exit; the name is per process).</summary>
    public static void Cleanup() => File.Delete(s_path);

    public override void Run(ReadOnlySpan<byte> input)
    {
        File.WriteAllBytes(s_path, input.ToArray());
        try
        {
            using var bundle = new DisposableCollection(PemCertificates.LoadBundle(s_path));
            FuzzTargets.Require(bundle.Certificates.Count > 0, "a bundle with no certificate was accepted");
        }
        catch (Exception ex) when (ex is InvalidDataException or CryptographicException)
        {
        }

        try
        {
            var identity = TlsIdentity.FromPemFiles(s_path, s_path);
            using var certificate = identity.Certificate;
            FuzzTargets.Require(certificate.HasPrivateKey, "an identity without a private key was accepted");
            foreach (var intermediate in identity.Intermediates)
            {
                intermediate.Dispose();
            }
        }
        catch (CryptographicException)
        {
        }
    }

    private sealed class DisposableCollection(System.Security.Cryptography.X509Certificates.X509Certificate2Collection certificates) : IDisposable
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate2Collection Certificates { get; } = certificates;

        public void Dispose()
        {
            foreach (var certificate in Certificates)
            {
                certificate.Dispose();
            }
        }
    }
}
