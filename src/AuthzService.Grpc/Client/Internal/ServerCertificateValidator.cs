using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>
/// Verifies a server certificate: host name always (as computed by SslStream), chain against the
/// pinned CAs when some are configured (custom root trust, so the system store cannot vouch for
/// the server), otherwise against the system store.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly TrustedCaProvider? _trustedCas;
    private readonly ILogger _logger;

    public ServerCertificateValidator(TrustedCaProvider? trustedCas, ILogger logger)
    {
        _trustedCas = trustedCas;
        _logger = logger;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            GrpcClientLog.ServerCertificateRejected(_logger, "(none)", "the server sent no certificate");
            return false;
        }

        var subject = certificate.Subject;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            GrpcClientLog.ServerCertificateRejected(_logger, subject, "the host name does not match the certificate");
            return false;
        }

        var roots = _trustedCas?.Current;
        if (roots is null || roots.Count == 0)
        {
            if (errors != SslPolicyErrors.None)
            {
                GrpcClientLog.ServerCertificateRejected(_logger, subject, errors.ToString());
            }

            return errors == SslPolicyErrors.None;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Private CAs (Cerbos sidecars, test CAs) rarely publish CRLs; expiry and chain still apply.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(s_serverAuth);
        if (chain is not null)
        {
            // Intermediates the server sent; the leaf itself is passed to Build.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            for (var i = 1; i < chain.ChainElements.Count; i++)
            {
                custom.ChainPolicy.ExtraStore.Add(chain.ChainElements[i].Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            return true;
        }

        var reasons = string.Join("; ", custom.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        GrpcClientLog.ServerCertificateRejected(_logger, subject, reasons);
        return false;
    }
}
