using System.Security.Cryptography.X509Certificates;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Security;

/// <summary>
/// A caller certificate is judged on every call, not only at the handshake: once it expires, or once its
/// CA leaves the bundle, the next call on the connection already open is UNAUTHENTICATED.
/// </summary>
[TestClass]
public sealed class EstablishedConnectionTests
{
    private const string Authorization = "authz.v1.AuthorizationService";

    public TestContext TestContext { get; set; } = null!;

    private async Task<AuthzServiceInstance> StartAsync(TlsMaterial tls)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("security_connection", TestContext.CancellationToken);
        return await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Tls = tls.ServiceTls(tls.Client("operator")),
                Overrides = new Dictionary<string, string?>
                {
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
                    ["Auth:Callers:0:Services:0"] = "authz.v1.MembershipService",
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("checker").ToString(),
                    ["Auth:Callers:1:Services:0"] = Authorization,
                },
            },
            TestContext.CancellationToken);
    }

    private static GrpcChannel Channel(AuthzServiceInstance service, TlsMaterial tls, X509Certificate2 client) =>
        TestChannels.ForAddress(service.Address, tls.ServerCa.Ca, client);

    /// <summary>A check about a tenant nobody created: answered (DENY) without any set-up.</summary>
    private static Task<CheckResourcesResponse> CheckAsync(GrpcChannel channel)
    {
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice" };
        request.Resources.Add(new ResourceEntry { Resource = new Resource { Kind = "document", Id = "d1" }, Actions = { "read" } });
        return channel.CallUnaryAsync($"/{Authorization}/CheckResources", request, CheckResourcesResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));
    }

    private static Task<CapturingLoggerProvider.LogLine> RefusalAuditAsync(AuthzServiceInstance service, string reason) =>
        service.Logs.WaitForAsync(l =>
            CapturingLoggerProvider.IsAudit(l, "audit.authentication_failed") && l["Reason"] == reason
            && l["Identity"] == TlsMaterial.Spiffe("checker").ToString());

    [TestMethod]
    public async Task ShortLivedCertificate_AfterItExpires_NextCallOnTheSameConnectionUnauthenticated()
    {
        using var tls = new TlsMaterial();
        await using var service = await StartAsync(tls);
        var notAfter = DateTimeOffset.UtcNow.AddSeconds(8);
        using var shortLived = tls.CallerCa.IssueClient(
            "checker", uris: [TlsMaterial.Spiffe("checker")], notBefore: DateTimeOffset.UtcNow.AddMinutes(-5), notAfter: notAfter);
        using var channel = Channel(service, tls, shortLived);

        var before = await CheckAsync(channel);
        // Until the certificate's end of validity on the clock the service checks against (X.509 times have one-second resolution).
        var remaining = notAfter.AddSeconds(1.5) - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, TestContext.CancellationToken);
        }

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => CheckAsync(channel));

        Assert.HasCount(1, before.Results, "the call before expiry was answered");
        // A new handshake would be refused by TLS (the client sees UNAVAILABLE); UNAUTHENTICATED comes from the open connection.
        Assert.AreEqual(StatusCode.Unauthenticated, ex.StatusCode, ex.Status.ToString());
        var audit = await RefusalAuditAsync(service, "certificate_expired_or_not_yet_valid");
        StringAssert.Contains(audit["Detail"], "established connection");
    }

    [TestMethod]
    public async Task CallerCaRemovedFromTheBundle_NextCallOnTheSameConnectionUnauthenticated()
    {
        using var tls = new TlsMaterial();
        using var nextCa = new TestCertificates("Caller CA 2");
        await using var service = await StartAsync(tls);
        using var client = tls.Client("checker");
        using var channel = Channel(service, tls, client);
        await CheckAsync(channel);

        tls.WriteCallerCas(nextCa);
        // The bundle is re-read on use, at most every Auth:CertificateReloadInterval (200 ms here): poll on the same channel.
        RpcException? refused = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (refused is null && !timeout.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(channel);
                await Task.Delay(50, CancellationToken.None);
            }
            catch (RpcException ex)
            {
                refused = ex;
            }
        }

        Assert.IsNotNull(refused, "calls on the open connection went on succeeding after its CA was removed");
        Assert.AreEqual(StatusCode.Unauthenticated, refused.StatusCode, refused.Status.ToString());
        var audit = await RefusalAuditAsync(service, "untrusted_issuer");
        StringAssert.Contains(audit["Detail"], "established connection");

        // The refused connection was asked to close (GOAWAY): the client's next calls make a new handshake, refused by TLS.
        await Eventually.TrueAsync(
            async () =>
            {
                await Assert.ThrowsExactlyAsync<RpcException>(() => CheckAsync(channel));
                return service.Logs.Lines.Any(l => CapturingLoggerProvider.IsAudit(l, "audit.authentication_failed") && l["Detail"] == "TLS handshake refused"
                    && l["Identity"] == TlsMaterial.Spiffe("checker").ToString());
            },
            "the client reconnects and its handshake is refused",
            TlsProbe.PollTimeout,
            TlsProbe.PollInterval);
    }
}
