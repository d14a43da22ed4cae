using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using static AuthzService.Testing.CerbosTestData;

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

    [TestMethod]
    public async Task CheckAsync_ClientCertificateOfAnIntermediateCa_SendsTheIntermediateWithIt()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        using var directory = new TempDirectory();
        using var issuing = certificates.IssueIntermediate("Issuing CA");
        using var client = issuing.IssueClient("chained-client");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client", issuing.Chain);
        using var adapter = Adapter(server, certPath, keyPath);

        var result = await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);

        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
        CollectionAssert.Contains(server.PresentedSubjects.ToList(), "CN=chained-client");
        CollectionAssert.Contains(server.PresentedIntermediates.SelectMany(i => i).ToList(), "CN=Issuing CA");
    }

    [TestMethod]
    public async Task CheckAsync_ClientCertificateFilesRotated_NextCallsPresentTheNewCertificate()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        using var directory = new TempDirectory();
        using var first = certificates.IssueClient("first-client");
        var (certPath, keyPath) = TestCertificates.WritePem(first, directory.Path, "client");
        using var adapter = Adapter(server, certPath, keyPath);
        await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);

        using var second = certificates.IssueClient("second-client");
        TestCertificates.WritePem(second, directory.Path, "client");
        var later = DateTime.UtcNow.AddSeconds(5);
        File.SetLastWriteTimeUtc(certPath, later);
        File.SetLastWriteTimeUtc(keyPath, later);
        // The files are checked at most once a second, on use; the old connection stays open and idle meanwhile.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!server.PresentedSubjects.Contains("CN=second-client"))
        {
            await Task.Delay(200, timeout.Token);
            await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);
        }

        CollectionAssert.AreEqual(new[] { "CN=first-client", "CN=second-client" }, server.PresentedSubjects.ToArray());
    }

    [TestMethod]
    public async Task CheckAsync_UnavailableTwiceThenAnswered_RetriedByTheChannelWithinOneCall()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        server.UnavailableFirst = 2;
        using var directory = new TempDirectory();
        using var client = certificates.IssueClient("retrying-client");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client");
        using var adapter = Adapter(server, certPath, keyPath, maxAttempts: 3);

        var result = await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);

        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
        Assert.AreEqual(3, server.Calls);
        Assert.AreEqual(1, adapter.DecisionPoint.CallsSent, "one call of the adapter, its retries inside the channel");
    }

    [TestMethod]
    public async Task CheckAsync_UnavailableWithOneAttempt_NotRetried()
    {
        using var certificates = new TestCertificates();
        await using var server = await ClientCertificateRecordingServer.StartAsync(certificates);
        server.UnavailableFirst = 1;
        using var directory = new TempDirectory();
        using var client = certificates.IssueClient("single-attempt-client");
        var (certPath, keyPath) = TestCertificates.WritePem(client, directory.Path, "client");
        using var adapter = Adapter(server, certPath, keyPath, maxAttempts: 1);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None));

        Assert.AreEqual(1, server.Calls);
    }

    private static CerbosAdapterOverKestrel Adapter(ClientCertificateRecordingServer server, string? certPath, string? keyPath, int maxAttempts = 1) =>
        new(new CerbosOptions
        {
            Address = server.Address,
            Tls = new CerbosTlsOptions { CaCertificate = server.CaCertPath, ClientCertificate = certPath, ClientKey = keyPath },
            MaxAttempts = maxAttempts,
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
