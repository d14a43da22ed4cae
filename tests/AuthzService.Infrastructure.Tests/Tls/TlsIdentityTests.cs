using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Testing;
using AuthzService.Tls;

namespace AuthzService.Infrastructure.Tests.Tls;

/// <summary>
/// The PEM loaders throw what they document (found by fuzzing, tests/AuthzService.Fuzz corpus/pem/crash-*): a key
/// that is not the certificate's escaped <see cref="TlsIdentity.FromPemFiles"/> as the framework's ArgumentException.
/// </summary>
[TestClass]
public sealed class TlsIdentityTests
{
    [TestMethod]
    public void FromPemFiles_CertificateWithItsKey_Loads()
    {
        using var dir = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (cert, keyFile) = Write(dir, SelfSigned(key), key);

        var identity = TlsIdentity.FromPemFiles(cert, keyFile);

        Assert.IsTrue(identity.Certificate.HasPrivateKey);
    }

    [TestMethod]
    public void FromPemFiles_KeyOfAnotherCertificate_CryptographicExceptionNamingTheFiles()
    {
        using var dir = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (cert, keyFile) = Write(dir, SelfSigned(key), other);

        var ex = Assert.ThrowsExactly<CryptographicException>(() => TlsIdentity.FromPemFiles(cert, keyFile));

        StringAssert.Contains(ex.Message, cert);
        StringAssert.Contains(ex.Message, keyFile);
        Assert.IsInstanceOfType<ArgumentException>(ex.InnerException);
    }

    [TestMethod]
    public void FromPemFiles_KeyOnACurveThePlatformDoesNotKnow_CryptographicException()
    {
        using var dir = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (cert, keyFile) = Write(dir, SelfSigned(key), key);
        // The PKCS#8 key names prime256v1 (1.2.840.10045.3.1.7, DER 2A 86 48 CE 3D 03 01 07); one changed byte names a curve nobody has.
        var der = key.ExportPkcs8PrivateKey();
        var oid = der.AsSpan().IndexOf((byte[])[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]);
        Assert.IsGreaterThanOrEqualTo(0, oid);
        der[oid + 1] = 0x06;
        File.WriteAllText(keyFile, PemEncoding.WriteString("PRIVATE KEY", der));

        var ex = Assert.ThrowsExactly<CryptographicException>(() => TlsIdentity.FromPemFiles(cert, keyFile));

        Assert.IsInstanceOfType<PlatformNotSupportedException>(ex.InnerException);
    }

    [TestMethod]
    public void LoadBundle_NoCertificate_InvalidDataException()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "ca.pem");
        File.WriteAllText(path, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

        Assert.ThrowsExactly<InvalidDataException>(() => PemCertificates.LoadBundle(path));
    }

    private static X509Certificate2 SelfSigned(ECDsa key) =>
        new CertificateRequest("CN=tls-identity-test", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

    private static (string Cert, string Key) Write(TempDirectory dir, X509Certificate2 certificate, ECDsa key)
    {
        using (certificate)
        {
            var cert = Path.Combine(dir.Path, "tls.crt");
            var keyFile = Path.Combine(dir.Path, "tls.key");
            File.WriteAllText(cert, certificate.ExportCertificatePem());
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            return (cert, keyFile);
        }
    }
}
