using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Api.Security;

/// <summary>
/// One TLS connection's caller certificate as the handshake verified it (a connection feature), so every call
/// on the connection can be judged again cheaply: the chain verdict is kept per CA bundle generation and only
/// the validity period is checked against the clock on each call.
/// </summary>
internal sealed class CallerConnection
{
    private ChainVerdict? _verdict;

    /// <summary>The caller's certificate (a copy: the TLS stack disposes what it hands to the validation callback).</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>Intermediates the caller sent at the handshake (copies); only candidates, trust still ends at the caller CA.</summary>
    public X509Certificate2Collection Intermediates { get; } = [];

    /// <summary>The identity the certificate carries, read once at the handshake.</summary>
    public CallerIdentity? Identity { get; private set; }

    internal ChainVerdict? Verdict
    {
        get => Volatile.Read(ref _verdict);
        set => Volatile.Write(ref _verdict, value);
    }

    /// <summary>Keeps what the handshake presented; called once, from the certificate validation callback.</summary>
    internal void Presented(X509Certificate2 certificate, X509Chain? presentedChain)
    {
        Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
        Identity = CallerIdentity.FromCertificate(Certificate);
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements.Skip(1))
            {
                Intermediates.Add(X509CertificateLoader.LoadCertificate(element.Certificate.RawData));
            }
        }
    }
}

/// <summary>
/// The result of building a caller's chain against one CA bundle (compared by reference: each reload of the
/// bundle is a new collection): a failure reason, or the period in which every certificate of the chain is valid.
/// </summary>
internal sealed record ChainVerdict(X509Certificate2Collection Bundle, string? Failure, DateTime NotBeforeUtc, DateTime NotAfterUtc);
