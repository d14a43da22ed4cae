using System.Security.Cryptography.X509Certificates;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Security;

/// <summary>
/// Each certificate rotates under load without a restart and without a single failed call: the
/// server certificate, the caller CA and the Cerbos client certificate.
/// </summary>
[TestClass]
public sealed class CertificateRotationTests
{
    private const string Authorization = "authz.v1.AuthorizationService";

    public TestContext TestContext { get; set; } = null!;

    private async Task<AuthzServiceInstance> StartAsync(TlsMaterial tls, Dictionary<string, string?>? extra = null)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("security_rotation", TestContext.CancellationToken);
        var overrides = new Dictionary<string, string?>
        {
            ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
            ["Auth:Callers:0:Services:0"] = "authz.v1.MembershipService",
            ["Auth:Callers:0:Services:1"] = Authorization,
        };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Tls = tls.ServiceTls(tls.Client("operator")),
                Overrides = overrides,
            },
            TestContext.CancellationToken);
    }

    private static GrpcChannel Channel(AuthzServiceInstance service, TlsMaterial tls, X509Certificate2 client) =>
        TestChannels.ForAddress(service.Address, tls.ServerCa.Ca, client);

    private static Task<HealthCheckResponse> HealthAsync(GrpcChannel channel, CancellationToken ct) =>
        channel.CallUnaryAsync("/grpc.health.v1.Health/Check", new HealthCheckRequest(), HealthCheckResponse.Parser, new CallOptions(cancellationToken: ct).WithTimeout(TimeSpan.FromSeconds(10)));

    /// <summary>A call on a connection of its own: a fresh TLS handshake every time.</summary>
    private static async Task FreshHealthAsync(AuthzServiceInstance service, TlsMaterial tls, X509Certificate2 client, CancellationToken ct)
    {
        using var channel = Channel(service, tls, client);
        await HealthAsync(channel, ct);
    }

    private static async Task<bool> SucceedsAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    [TestMethod]
    public async Task ServerCertificate_RotatedUnderLoad_NewHandshakesGetItAndNoCallFails()
    {
        using var tls = new TlsMaterial();
        await using var service = await StartAsync(tls);
        using var client = tls.Client("operator");
        using var longLived = Channel(service, tls, client);
        var before = await TlsProbe.ServerThumbprintAsync(service.Address, client);
        await using var load = LoadDriver.Start(
            ct => HealthAsync(longLived, ct),
            ct => FreshHealthAsync(service, tls, client, ct),
            ct => FreshHealthAsync(service, tls, client, ct));
        await load.WaitForMoreAsync(20);

        using var next = tls.RotateServerCertificate();
        await Eventually.TrueAsync(
            async () => await TlsProbe.ServerThumbprintAsync(service.Address, client) == next.Thumbprint, "the new server certificate is presented",
            TlsProbe.PollTimeout, TlsProbe.PollInterval);
        await load.WaitForMoreAsync(20);
        await load.StopAsync();

        Assert.AreNotEqual(before, next.Thumbprint);
        Assert.IsEmpty(load.Failures, string.Join("\n", load.Failures));
        await service.Logs.WaitForAsync(l => l.Message.StartsWith("TLS material reloaded", StringComparison.Ordinal) && l.Message.Contains("server.crt", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task CallerCa_RotatedUnderLoad_NewCaTrustedOldCallsNeverFail()
    {
        using var tls = new TlsMaterial();
        using var nextCa = new TestCertificates("Caller CA 2");
        await using var service = await StartAsync(tls, new() { ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("newcomer").ToString(), ["Auth:Callers:1:Services:0"] = Authorization });
        using var oldClient = tls.Client("operator");
        using var newClient = nextCa.IssueClient("newcomer", uris: [TlsMaterial.Spiffe("newcomer")]);
        using var longLived = Channel(service, tls, oldClient);
        Assert.IsFalse(await SucceedsAsync(() => FreshHealthAsync(service, tls, newClient, default)), "the new CA is not trusted yet");
        await using var load = LoadDriver.Start(
            ct => HealthAsync(longLived, ct),
            ct => FreshHealthAsync(service, tls, oldClient, ct),
            ct => FreshHealthAsync(service, tls, oldClient, ct));
        await load.WaitForMoreAsync(20);

        // Step 1 of a CA rotation: publish old and new CA together.
        tls.WriteCallerCas(tls.CallerCa, nextCa);
        await Eventually.TrueAsync(
            () => SucceedsAsync(() => FreshHealthAsync(service, tls, newClient, default)), "a caller of the new CA is accepted", TlsProbe.PollTimeout, TlsProbe.PollInterval);
        await load.WaitForMoreAsync(20);
        await load.StopAsync();
        Assert.IsEmpty(load.Failures, string.Join("\n", load.Failures));

        // Step 3: drop the old CA. New handshakes with old certificates fail, and so does the next call on a
        // connection opened with one (certificates are judged on every call, not only at the handshake).
        tls.WriteCallerCas(nextCa);
        await Eventually.TrueAsync(
            async () => !await SucceedsAsync(() => FreshHealthAsync(service, tls, oldClient, default)), "the old CA is no longer trusted", TlsProbe.PollTimeout, TlsProbe.PollInterval);
        var refused = await Assert.ThrowsExactlyAsync<RpcException>(() => HealthAsync(longLived, default));
        Assert.AreEqual(StatusCode.Unauthenticated, refused.StatusCode, refused.Status.ToString());
    }

    [TestMethod]
    public async Task CerbosClientCertificate_RotatedUnderLoad_ReloadedAndNoCallFails()
    {
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        using var files = new TempDirectory("authz-cerbos-client-");
        var caPath = Path.Combine(files.Path, "ca.crt");
        File.Copy(cerbos.CaCertPath, caPath);
        var (certPath, keyPath) = TestCertificates.WritePem(cerbos.ClientCertificate, files.Path, "client");
        using var tls = new TlsMaterial();
        await using var service = await StartAsync(tls, new()
        {
            ["Cerbos:Tls:CaCertificate"] = caPath,
            ["Cerbos:Tls:ClientCertificate"] = certPath,
            ["Cerbos:Tls:ClientKey"] = keyPath,
        });
        await service.CallAsync("authz.v1.MembershipService", "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
        await service.CallAsync("authz.v1.MembershipService", "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice", Consistency = new Consistency { FullyConsistent = true } };
        request.Resources.Add(new ResourceEntry { Resource = new Resource { Kind = "document", Id = "d1" }, Actions = { "read" } });
        Task CheckAsync(CancellationToken ct) => service.CallAsync(Authorization, "CheckResources", request, CheckResourcesResponse.Parser, cancellationToken: ct);
        await using var load = LoadDriver.Start(CheckAsync, CheckAsync, CheckAsync);
        await load.WaitForMoreAsync(20);

        using var rotated = cerbos.Certificates.IssueClient("authz-service-rotated");
        TestCertificates.WritePem(rotated, files.Path, "client");
        await service.Logs.WaitForAsync(l => l.Category.Contains("Cerbos", StringComparison.Ordinal) && l.EventId == 6400 && l.Message.Contains("client.crt", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        await load.WaitForMoreAsync(20);
        await load.StopAsync();

        Assert.IsEmpty(load.Failures, string.Join("\n", load.Failures));
    }
}
