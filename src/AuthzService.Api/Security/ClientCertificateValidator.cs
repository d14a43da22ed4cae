using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Api.Audit;

namespace AuthzService.Api.Security;

/// <summary>
/// Verifies caller certificates during the TLS handshake: present, chaining to the configured caller
/// CA only (custom root trust, never the system store), currently valid, usable for client
/// authentication. A refusal fails the handshake and leaves an audit event; no certificate material is logged.
/// </summary>
internal sealed class ClientCertificateValidator(CallerCaSource cas, AuditTrail audit, TimeProvider time)
{
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Null when the certificate is acceptable, else the reason it is not.</summary>
    public string? Check(X509Certificate2? certificate, X509Chain? presentedChain)
    {
        if (certificate is null)
        {
            return "no_client_certificate";
        }

        var trusted = cas.Current;
        if (trusted.Count == 0)
        {
            return "no_caller_ca_configured";
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(trusted);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(s_clientAuth);
        policy.VerificationTime = time.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (presentedChain is not null)
        {
            // Intermediates the caller sent; they are only candidates, trust still ends at the caller CA.
            foreach (var element in presentedChain.ChainElements.Skip(1))
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return flags.HasFlag(X509ChainStatusFlags.NotTimeValid) ? "certificate_expired_or_not_yet_valid"
            : flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain) ? "untrusted_issuer"
            : flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) ? "not_valid_for_client_auth"
            : "invalid_certificate_chain";
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/> for one connection.</summary>
    public RemoteCertificateValidationCallback CallbackFor(string peer) => (_, certificate, chain, _) =>
    {
        var certificate2 = certificate switch
        {
            null => null,
            X509Certificate2 c => c,
            _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
        };
        var failure = Check(certificate2, chain);
        if (failure is null)
        {
            return true;
        }

        var identity = certificate2 is null ? null : CallerIdentity.FromCertificate(certificate2)?.Name;
        audit.AuthenticationFailed(failure, peer, identity, "TLS handshake refused");
        return false;
    };
}
