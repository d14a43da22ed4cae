using System.Security.Cryptography.X509Certificates;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Security;

/// <summary>
/// Certificates for a TLS service instance, as files the instance reads (so tests can rotate them):
/// a server CA and server certificate, and a caller CA that issues client certificates.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    private readonly TempDirectory _directory = new("authz-tls-");

    public TlsMaterial()
    {
        ServerCa = new TestCertificates("Server CA");
        CallerCa = new TestCertificates("Caller CA");
        (ServerCertificatePath, ServerKeyPath) = TestCertificates.WritePem(ServerCa.IssueServer(["localhost"]), _directory.Path, "server");
        CallerCaPath = Path.Combine(_directory.Path, "callers", "ca.crt");
        WriteCallerCas(CallerCa);
    }

    public TestCertificates ServerCa { get; }

    public TestCertificates CallerCa { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string CallerCaPath { get; }

    public string Directory => _directory.Path;

    public static Uri Spiffe(string serviceAccount) => new($"spiffe://test.local/ns/apps/sa/{serviceAccount}");

    /// <summary>A client certificate of the caller CA with a SPIFFE id.</summary>
    public X509Certificate2 Client(string serviceAccount) => CallerCa.IssueClient(serviceAccount, uris: [Spiffe(serviceAccount)]);

    public ServiceTls ServiceTls(X509Certificate2 clientCertificate) =>
        new(ServerCertificatePath, ServerKeyPath, CallerCaPath, ServerCa.Ca, clientCertificate);

    /// <summary>Replaces the caller CA file with a bundle of these CAs (written atomically, as the kubelet does).</summary>
    public void WriteCallerCas(params TestCertificates[] cas)
    {
        var temp = CallerCaPath + ".tmp";
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(CallerCaPath)!);
        File.WriteAllText(temp, string.Concat(cas.Select(c => c.Ca.ExportCertificatePem() + "\n")));
        File.Move(temp, CallerCaPath, overwrite: true);
    }

    /// <summary>Writes a new server certificate in place: certificate first, then key, like a naive rotation would.</summary>
    public X509Certificate2 RotateServerCertificate()
    {
        var next = ServerCa.IssueServer(["localhost"]);
        TestCertificates.WritePem(next, _directory.Path, "server");
        return next;
    }

    public void Dispose()
    {
        ServerCa.Dispose();
        CallerCa.Dispose();
        _directory.Dispose();
    }
}
