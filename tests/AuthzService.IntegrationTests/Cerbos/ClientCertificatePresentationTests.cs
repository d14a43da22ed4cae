using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using static AuthzService.IntegrationTests.Cerbos.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>
/// Cerbos accepts calls without a client certificate, so only a server that requires one proves the
/// adapter presents it.
/// </summary>
[TestClass]
public sealed class ClientCertificatePresentationTests
{
    private static readonly PdpCheckRequest s_request = Check(
        Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read"));

    [TestMethod]
    public async Task CheckAsync_ServerRequiringClientCertificate_SeesTheConfiguredCertificate()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        using var directory = new TempDirectory();
        using var client = certificates.IssueClient("authz-service-under-test");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client");
        using var adapter = Adapter(server, certPath, keyPath);

        var result = await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);

        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
        Assert.AreEqual("fake-call", result.CallId);
        CollectionAssert.Contains(server.PresentedSubjects.ToList(), "CN=authz-service-under-test");
    }

    [TestMethod]
    public async Task CheckAsync_NoClientCertificateConfigured_IsRefusedAsUnavailable()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        using var adapter = Adapter(server, certPath: null, keyPath: null);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None));

        Assert.IsEmpty(server.PresentedSubjects);
    }

    private static CerbosAdapterOverKestrel Adapter(ClientCertificateRecordingServer server, string? certPath, string? keyPath) =>
        new(new CerbosOptions
        {
            Address = server.Address,
            Tls = new CerbosTlsOptions { CaCertificate = server.CaCertPath, ClientCertificate = certPath, ClientKey = keyPath },
            MaxAttempts = 1,
        });

    private sealed class CerbosAdapterOverKestrel : IDisposable
    {
        private readonly CerbosChannelFactory _channels;

        public CerbosAdapterOverKestrel(CerbosOptions options)
        {
            var wrapped = Microsoft.Extensions.Options.Options.Create(options);
            _channels = new CerbosChannelFactory(wrapped);
            DecisionPoint = new CerbosDecisionPoint(_channels, wrapped);
        }

        public CerbosDecisionPoint DecisionPoint { get; }

        public void Dispose() => _channels.Dispose();
    }
}
