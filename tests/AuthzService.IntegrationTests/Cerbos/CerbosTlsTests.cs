using AuthzService.Core.Decisions;
using AuthzService.Testing;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>mTLS to the real Cerbos: the right CA works; a wrong CA, host name or an expired certificate yields no decision.</summary>
[TestClass]
public sealed class CerbosTlsTests
{
    private static readonly PdpCheckRequest s_request = Check(
        Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read"));

    [TestMethod]
    public async Task CheckAsync_ServerCertificateFromConfiguredCa_Decides()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        using var adapter = new CerbosAdapter(server);

        var result = await adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None);

        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckAsync_ServerCertificateFromOtherCa_ThrowsUnavailable()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        using var directory = new TempDirectory();
        using var otherCa = new TestCertificates("Some Other CA");
        var otherCaPath = otherCa.WriteCaPem(directory.Path);
        var logs = new CapturingLoggerProvider();
        using var adapter = new CerbosAdapter(server, o => o.Tls.CaCertificate = otherCaPath, logs);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None));

        Assert.IsTrue(logs.Lines.Any(e => e.Message.Contains("Rejected the server certificate", StringComparison.Ordinal) && e.Message.Contains("PartialChain", StringComparison.Ordinal)), Dump(logs));
    }

    [TestMethod]
    public async Task CheckAsync_ServerCertificateForOtherHost_ThrowsUnavailable()
    {
        await using var server = await CerbosServer.StartNewAsync(new CerbosServerOptions { ServerCertificate = CerbosServerCertificate.WrongHostName });
        var logs = new CapturingLoggerProvider();
        // By name: the test CA adds loopback IP SANs to every server certificate, so 127.0.0.1 would match.
        using var adapter = new CerbosAdapter(server, o => o.Address = server.GrpcAddressFor("localhost"), logs);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None));

        Assert.IsTrue(logs.Lines.Any(e => e.Message.Contains("host name does not match", StringComparison.Ordinal)), Dump(logs));
    }

    [TestMethod]
    public async Task CheckAsync_ExpiredServerCertificate_ThrowsUnavailable()
    {
        await using var server = await CerbosServer.StartNewAsync(new CerbosServerOptions { ServerCertificate = CerbosServerCertificate.Expired });
        var logs = new CapturingLoggerProvider();
        using var adapter = new CerbosAdapter(server, loggerFactory: logs);

        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(s_request, CancellationToken.None));

        Assert.IsTrue(logs.Lines.Any(e => e.Message.Contains("NotTimeValid", StringComparison.Ordinal)), Dump(logs));
    }

    private static string Dump(CapturingLoggerProvider logs) => string.Join("\n", logs.Lines.Select(e => $"[{e.EventId}] {e.Message}"));
}
