using System.Security.Cryptography.X509Certificates;
using AuthzService.Testing;
using AuthzService.Tls;

namespace AuthzService.IntegrationTests.Tls;

/// <summary>The one TLS-material component: PEM files followed on change, the old material kept on a bad file.</summary>
[TestClass]
public sealed class ReloadingPemSourceTests
{
    [TestMethod]
    public void Refresh_IdentityAndBundleRewritten_ServesTheNewOnes()
    {
        using var directory = new TempDirectory();
        using var oldCa = new TestCertificates("Old CA");
        using var newCa = new TestCertificates("New CA");
        var caPath = oldCa.WriteCaPem(directory.Path);
        using var oldClient = oldCa.IssueClient("old-client");
        var (certPath, keyPath) = TestCertificates.WritePem(oldClient, directory.Path, "client");
        var logs = new CapturingLoggerProvider();
        var identity = new ReloadingPemSource<TlsIdentity>(
            [certPath, keyPath], () => TlsIdentity.FromPemFiles(certPath, keyPath), TimeSpan.FromMinutes(1), logs.CreateLogger("test"));
        var bundle = new ReloadingPemSource<X509Certificate2Collection>(
            [caPath], () => PemCertificates.LoadBundle(caPath), TimeSpan.FromMinutes(1), logs.CreateLogger("test"));
        Assert.AreEqual("CN=old-client", identity.Current.Certificate.Subject);

        using var newClient = newCa.IssueClient("new-client");
        TestCertificates.WritePem(newClient, directory.Path, "client");
        newCa.WriteCaPem(directory.Path);
        TouchLater(caPath, certPath, keyPath);
        identity.Refresh();
        bundle.Refresh();

        Assert.AreEqual("CN=new-client", identity.Current.Certificate.Subject);
        Assert.IsTrue(identity.Current.Certificate.HasPrivateKey);
        Assert.AreEqual("CN=New CA", bundle.Current.Single().Subject);
        Assert.AreEqual(2, logs.Lines.Count(e => e.EventId == 6400 && e.Message.StartsWith("TLS material reloaded", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Refresh_HalfWrittenKey_KeepsThePreviousIdentityUntilTheKeyIsWhole()
    {
        using var directory = new TempDirectory();
        using var ca = new TestCertificates();
        using var client = ca.IssueClient("stable-client");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client");
        var logs = new CapturingLoggerProvider();
        var identity = new ReloadingPemSource<TlsIdentity>(
            [certPath, keyPath], () => TlsIdentity.FromPemFiles(certPath, keyPath), TimeSpan.FromMinutes(1), logs.CreateLogger("test"));

        using var next = ca.IssueClient("next-client");
        TestCertificates.WritePem(next, directory.Path, "client");
        File.WriteAllText(keyPath, "-----BEGIN PRIVATE KEY-----\nMIIB");
        TouchLater(certPath, keyPath);
        identity.Refresh();
        var duringRotation = identity.Current.Certificate.Subject;
        TestCertificates.WritePem(next, directory.Path, "client");
        TouchLater(keyPath);
        identity.Refresh();

        Assert.AreEqual("CN=stable-client", duringRotation);
        Assert.IsTrue(logs.Lines.Any(e => e.EventId == 6401), "the failed reload is logged");
        Assert.AreEqual("CN=next-client", identity.Current.Certificate.Subject);
    }

    [TestMethod]
    public void FromPemFiles_LeafFollowedByIntermediate_KeepsTheIntermediateForTheHandshake()
    {
        using var directory = new TempDirectory();
        using var root = new TestCertificates("Root CA");
        using var intermediate = root.IssueIntermediate("Issuing CA");
        using var leaf = intermediate.IssueClient("chained-client");
        var (certPath, keyPath) = TestCertificates.WritePem(leaf, directory.Path, "client", intermediate.Chain);

        var identity = TlsIdentity.FromPemFiles(certPath, keyPath);

        Assert.AreEqual("CN=chained-client", identity.Certificate.Subject);
        Assert.AreEqual("CN=Issuing CA", identity.Intermediates.Single().Subject);
        CollectionAssert.Contains(identity.Context.IntermediateCertificates.Select(c => c.Subject).ToList(), "CN=Issuing CA");
    }

    private static void TouchLater(params string[] paths)
    {
        // File systems with coarse timestamps could leave the mtime unchanged within one tick.
        var later = DateTime.UtcNow.AddSeconds(5 + Random.Shared.Next(100));
        foreach (var path in paths)
        {
            File.SetLastWriteTimeUtc(path, later);
        }
    }
}
