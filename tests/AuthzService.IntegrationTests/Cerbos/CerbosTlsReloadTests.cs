using AuthzService.Infrastructure.Cerbos;
using AuthzService.Infrastructure.Cerbos.Internal;
using AuthzService.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>Rotated PEM files are picked up by the channel's providers without a restart.</summary>
[TestClass]
public sealed class CerbosTlsReloadTests
{
    [TestMethod]
    public void Refresh_ClientCertificateAndCaRewritten_ProvidersServeTheNewOnes()
    {
        using var directory = new TempDirectory();
        using var oldCa = new TestCertificates("Old CA");
        using var newCa = new TestCertificates("New CA");
        var caPath = oldCa.WriteCaPem(directory.Path);
        using var oldClient = oldCa.IssueClient("old-client");
        var (certPath, keyPath) = TestCertificates.WritePem(oldClient, directory.Path, "client");
        var material = new ReloadingTlsMaterial(
            new CerbosTlsOptions { CaCertificate = caPath, ClientCertificate = certPath, ClientKey = keyPath }, NullLogger.Instance);
        Assert.AreEqual("CN=old-client", material.ClientCertificate!.Current!.Subject);

        using var newClient = newCa.IssueClient("new-client");
        TestCertificates.WritePem(newClient, directory.Path, "client");
        newCa.WriteCaPem(directory.Path);
        // File systems with coarse timestamps could leave the mtime unchanged within one tick.
        var later = DateTime.UtcNow.AddSeconds(5);
        foreach (var path in new[] { caPath, certPath, keyPath })
        {
            File.SetLastWriteTimeUtc(path, later);
        }

        material.Refresh();

        Assert.AreEqual("CN=new-client", material.ClientCertificate.Current!.Subject);
        Assert.IsTrue(material.ClientCertificate.Current.HasPrivateKey);
        Assert.AreEqual("CN=New CA", material.TrustedCas!.Current.Single().Subject);
    }

    [TestMethod]
    public void Refresh_HalfWrittenKey_KeepsThePreviousCertificate()
    {
        using var directory = new TempDirectory();
        using var ca = new TestCertificates();
        using var client = ca.IssueClient("stable-client");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client");
        var material = new ReloadingTlsMaterial(
            new CerbosTlsOptions { ClientCertificate = certPath, ClientKey = keyPath }, NullLogger.Instance);

        File.WriteAllText(keyPath, "-----BEGIN PRIVATE KEY-----\nMIIB");
        File.SetLastWriteTimeUtc(keyPath, DateTime.UtcNow.AddSeconds(5));
        material.Refresh();

        Assert.AreEqual("CN=stable-client", material.ClientCertificate!.Current!.Subject);
    }
}
