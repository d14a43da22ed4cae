using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Api.Security;

/// <summary>
/// Reads the URI and DNS entries of a certificate's subjectAltName (RFC 5280 4.2.1.6). The framework's
/// <see cref="X509SubjectAlternativeNameExtension"/> enumerates DNS names and IPs but not URIs, and a
/// SPIFFE id is a URI SAN.
/// </summary>
internal static class SubjectAlternativeNames
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag s_dnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag s_uri = new(TagClass.ContextSpecific, 6);

    public static (IReadOnlyList<string> Uris, IReadOnlyList<string> DnsNames) Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = new List<string>();
        var dns = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(s_uri))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, s_uri));
                }
                else if (tag.HasSameClassAndValue(s_dnsName))
                {
                    dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, s_dnsName));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }

        return (uris, dns);
    }
}
