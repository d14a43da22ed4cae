using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace AuthzService.Tls;

/// <summary>
/// Verifies a server certificate at the handshake: the host name always (as computed by SslStream), the
/// chain against the current CA bundle when one is configured (custom root trust, so the system store
/// cannot vouch for the server), otherwise against the system store.
/// </summary>
internal sealed class ServerCertificateValidator(Func<X509Certificate2Collection>? trustedCas, ILogger logger)
{
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            TlsLog.ServerCertificateRejected(logger, "(none)", "the server sent no certificate");
            return false;
        }

        var subject = certificate.Subject;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            TlsLog.ServerCertificateRejected(logger, subject, "the host name does not match the certificate");
            return false;
        }

        var roots = trustedCas?.Invoke();
        if (roots is null || roots.Count == 0)
        {
            if (errors != SslPolicyErrors.None)
            {
                TlsLog.ServerCertificateRejected(logger, subject, errors.ToString());
            }

            return errors == SslPolicyErrors.None;
        }

        // Intermediates the server sent: candidates only, trust still ends at the configured CAs.
        var candidates = new List<X509Certificate2>();
        if (chain is not null)
        {
            candidates.AddRange(chain.ChainPolicy.ExtraStore);
            for (var i = 1; i < chain.ChainElements.Count; i++)
            {
                candidates.Add(chain.ChainElements[i].Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var verdict = ChainVerification.Verify(leaf, candidates, roots, ChainVerification.ServerAuthentication, DateTime.UtcNow);
        if (!verdict.IsTrusted)
        {
            TlsLog.ServerCertificateRejected(logger, subject, verdict.Reasons);
        }

        return verdict.IsTrusted;
    }
}
