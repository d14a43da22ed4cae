using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Api.Audit;
using AuthzService.Tls;

namespace AuthzService.Api.Security;

/// <summary>
/// Verifies caller certificates: present, chaining to the configured caller CA only (custom root trust, never
/// the system store), currently valid, usable for client authentication. At the TLS handshake a refusal fails
/// the handshake; on every later call on the connection <see cref="Revalidate"/> judges the certificate again
/// against the current time and CA bundle, so an expired certificate or a CA removed from the bundle stops an
/// open connection too. Refusals leave an audit event; no certificate material is logged.
/// </summary>
internal sealed class ClientCertificateValidator(CallerCaSource cas, AuditTrail audit, TimeProvider time)
{
    /// <summary>The audit detail of a call refused on a connection whose handshake had succeeded.</summary>
    public const string EstablishedConnectionDetail = "call on an established connection refused";

    private const string NotTimeValid = "certificate_expired_or_not_yet_valid";

    /// <summary>
    /// Judges the connection's certificate for one call: the chain is built again only when the CA bundle has
    /// changed since the last verdict; the validity period is checked against the clock every time.
    /// </summary>
    public string? Revalidate(CallerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Certificate is not { } certificate)
        {
            return "no_client_certificate";
        }

        var trusted = cas.Current;
        var verdict = connection.Verdict;
        if (verdict is null || !ReferenceEquals(verdict.Bundle, trusted))
        {
            verdict = Verify(certificate, connection.Intermediates, trusted);
            connection.Verdict = verdict;
        }

        if (verdict.Failure is not null)
        {
            return verdict.Failure;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return now < verdict.NotBeforeUtc || now > verdict.NotAfterUtc ? NotTimeValid : null;
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/> for one connection; it also fills <paramref name="connection"/>.</summary>
    public RemoteCertificateValidationCallback CallbackFor(string peer, CallerConnection connection) => (_, certificate, chain, _) =>
    {
        var certificate2 = certificate switch
        {
            null => null,
            X509Certificate2 c => c,
            _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
        };
        string? failure;
        if (certificate2 is null)
        {
            failure = "no_client_certificate";
        }
        else
        {
            connection.Presented(certificate2, chain);
            var verdict = Verify(connection.Certificate!, connection.Intermediates, cas.Current);
            connection.Verdict = verdict;
            failure = verdict.Failure;
        }

        if (failure is null)
        {
            return true;
        }

        var identity = certificate2 is null ? null : CallerIdentity.FromCertificate(certificate2)?.Name;
        audit.AuthenticationFailed(failure, peer, identity, "TLS handshake refused");
        return false;
    };

    private ChainVerdict Verify(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection trusted)
    {
        if (trusted.Count == 0)
        {
            return new ChainVerdict(trusted, "no_caller_ca_configured", DateTime.MaxValue, DateTime.MinValue);
        }

        var verdict = ChainVerification.Verify(
            certificate, intermediates, trusted, ChainVerification.ClientAuthentication, time.GetUtcNow().UtcDateTime);
        if (verdict.IsTrusted)
        {
            return new ChainVerdict(trusted, null, verdict.NotBeforeUtc, verdict.NotAfterUtc);
        }

        var flags = verdict.Flags;
        var failure = flags.HasFlag(X509ChainStatusFlags.NotTimeValid) ? NotTimeValid
            : flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain) ? "untrusted_issuer"
            : flags.HasFlag(X509ChainStatusFlags.NotValidForUsage) ? "not_valid_for_client_auth"
            : "invalid_certificate_chain";
        return new ChainVerdict(trusted, failure, DateTime.MaxValue, DateTime.MinValue);
    }
}
