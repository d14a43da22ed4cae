using System.Security.Cryptography.X509Certificates;
using AuthzService.Testing;
using AuthzService.Tls;

namespace AuthzService.IntegrationTests.Tls;

/// <summary>Custom-trust chain verification as the listener and every client use it.</summary>
[TestClass]
public sealed class ChainVerificationTests
{
    [TestMethod]
    public void Verify_LeafOfIntermediateWithItsIntermediate_IsTrustedByTheRootAlone()
    {
        using var root = new TestCertificates("Root CA");
        using var intermediate = root.IssueIntermediate();
        using var leaf = intermediate.IssueClient("chained");

        var verdict = ChainVerification.Verify(leaf, intermediate.Chain, [root.Ca], ChainVerification.ClientAuthentication, DateTime.UtcNow);

        Assert.IsTrue(verdict.IsTrusted, verdict.Reasons);
        Assert.IsLessThanOrEqualTo(intermediate.Ca.NotAfter.ToUniversalTime(), verdict.NotAfterUtc);
    }

    [TestMethod]
    public void Verify_LeafOfIntermediateWithoutItsIntermediate_IsAPartialChain()
    {
        using var root = new TestCertificates("Root CA");
        using var intermediate = root.IssueIntermediate();
        using var leaf = intermediate.IssueClient("chained");

        var verdict = ChainVerification.Verify(leaf, [], [root.Ca], ChainVerification.ClientAuthentication, DateTime.UtcNow);

        Assert.IsFalse(verdict.IsTrusted);
        Assert.IsTrue(verdict.Flags.HasFlag(X509ChainStatusFlags.PartialChain), verdict.Reasons);
    }

    [TestMethod]
    public void Verify_OtherCaWrongUsageOrExpired_IsRefusedWithTheReason()
    {
        using var ca = new TestCertificates();
        using var other = new TestCertificates("Other CA");
        using var client = ca.IssueClient("client");
        using var server = ca.IssueServer();
        using var expired = ca.IssueClient("old", notBefore: DateTimeOffset.UtcNow.AddHours(-20), notAfter: DateTimeOffset.UtcNow.AddHours(-1));

        var otherCa = ChainVerification.Verify(client, [], [other.Ca], ChainVerification.ClientAuthentication, DateTime.UtcNow);
        var wrongUsage = ChainVerification.Verify(server, [], [ca.Ca], ChainVerification.ClientAuthentication, DateTime.UtcNow);
        var outOfTime = ChainVerification.Verify(expired, [], [ca.Ca], ChainVerification.ClientAuthentication, DateTime.UtcNow);
        var noCa = ChainVerification.Verify(client, [], [], ChainVerification.ClientAuthentication, DateTime.UtcNow);

        Assert.IsTrue(otherCa.Flags.HasFlag(X509ChainStatusFlags.PartialChain) || otherCa.Flags.HasFlag(X509ChainStatusFlags.UntrustedRoot), otherCa.Reasons);
        Assert.IsTrue(wrongUsage.Flags.HasFlag(X509ChainStatusFlags.NotValidForUsage), wrongUsage.Reasons);
        Assert.IsTrue(outOfTime.Flags.HasFlag(X509ChainStatusFlags.NotTimeValid), outOfTime.Reasons);
        Assert.IsFalse(noCa.IsTrusted);
        Assert.IsFalse(otherCa.IsTrusted || wrongUsage.IsTrusted || outOfTime.IsTrusted);
    }
}
