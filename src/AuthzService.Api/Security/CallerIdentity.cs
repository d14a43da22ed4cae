using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Api.Security;

/// <summary>
/// Who is calling, as established by the transport: the first URI SAN of the verified client
/// certificate (a SPIFFE id, for example), else its first DNS SAN. The subject CN is deliberately
/// ignored: it is free text and not what workload identity systems vouch for.
/// </summary>
public sealed record CallerIdentity(string Name, bool Authenticated)
{
    /// <summary>The caller on a plaintext listener (allowed only on loopback or in Development): not identified.</summary>
    public static CallerIdentity Plaintext { get; } = new("plaintext", false);

    /// <summary>The identity a certificate carries, or null when it has no usable URI or DNS SAN.</summary>
    public static CallerIdentity? FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            var (uris, dnsNames) = SubjectAlternativeNames.Read(certificate);
            var name = uris.FirstOrDefault(u => u.Length > 0) ?? dnsNames.FirstOrDefault(d => d.Length > 0);
            return name is null ? null : new CallerIdentity(name, true);
        }
        catch (AsnContentException)
        {
            // A malformed SAN identifies nobody.
            return null;
        }
    }

    public override string ToString() => Name;
}
