using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Loads PEM files into the shapes <see cref="Grpc.Client.GrpcChannel"/> needs.</summary>
internal static class PemTlsMaterial
{
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no PEM certificate.");
        }

        return certificates;
    }

    public static X509Certificate2 LoadClientCertificate(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // On Linux, SslStream cannot present a key that only lives in an ephemeral PEM import; a PKCS#12
        // round trip gives it a key it can use for the handshake.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
