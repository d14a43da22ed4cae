using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Tls;

/// <summary>Reads CA bundles from PEM files.</summary>
public static class PemCertificates
{
    /// <summary>Every certificate of a PEM file (a CA bundle).</summary>
    /// <exception cref="InvalidDataException">The file holds no PEM certificate.</exception>
    public static X509Certificate2Collection LoadBundle(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no PEM certificate.");
        }

        return certificates;
    }
}
