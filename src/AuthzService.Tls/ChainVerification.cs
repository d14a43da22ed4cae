using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Tls;

/// <summary>
/// Custom-trust chain verification, the same for both directions: the chain must end at one of the given
/// CAs (never the system store), every certificate must be valid at the verification time, and the leaf
/// must allow the usage (server or client authentication). Private CAs rarely publish CRLs: revocation is
/// not checked; expiry, usage and the chain are.
/// </summary>
public static class ChainVerification
{
    /// <summary>Extended key usage "TLS web server authentication".</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Extended key usage "TLS web client authentication".</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Builds the chain of <paramref name="certificate"/> to <paramref name="trusted"/>.</summary>
    /// <param name="certificate">The peer's leaf.</param>
    /// <param name="candidates">Intermediates the peer sent: candidates only, trust still ends at <paramref name="trusted"/>.</param>
    /// <param name="trusted">The trust anchors; empty trusts nothing.</param>
    /// <param name="usage">The extended key usage the leaf must allow.</param>
    /// <param name="verificationTimeUtc">When the chain must be valid.</param>
    public static ChainVerdict Verify(
        X509Certificate2 certificate, IEnumerable<X509Certificate2> candidates, X509Certificate2Collection trusted, Oid usage, DateTime verificationTimeUtc)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(usage);
        if (trusted.Count == 0)
        {
            return new ChainVerdict(false, X509ChainStatusFlags.UntrustedRoot, "no trusted CA configured", DateTime.MaxValue, DateTime.MinValue);
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(trusted);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(usage);
        policy.VerificationTime = verificationTimeUtc;
        policy.VerificationTimeIgnored = false;
        foreach (var candidate in candidates)
        {
            policy.ExtraStore.Add(candidate);
        }

        if (chain.Build(certificate))
        {
            // The peer stays acceptable only while every certificate of its chain is.
            var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
            return new ChainVerdict(
                true, X509ChainStatusFlags.NoError, string.Empty,
                elements.Max(c => c.NotBefore.ToUniversalTime()), elements.Min(c => c.NotAfter.ToUniversalTime()));
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var reasons = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return new ChainVerdict(false, flags, reasons, DateTime.MaxValue, DateTime.MinValue);
    }
}

/// <summary>The outcome of <see cref="ChainVerification.Verify"/>.</summary>
/// <param name="IsTrusted">The chain ends at a trusted CA, is valid now and allows the usage.</param>
/// <param name="Flags">Every problem found (NoError when trusted).</param>
/// <param name="Reasons">The problems as text, for logs.</param>
/// <param name="NotBeforeUtc">From when every certificate of the chain is valid (when trusted).</param>
/// <param name="NotAfterUtc">Until when every certificate of the chain is valid (when trusted).</param>
public sealed record ChainVerdict(bool IsTrusted, X509ChainStatusFlags Flags, string Reasons, DateTime NotBeforeUtc, DateTime NotAfterUtc);
