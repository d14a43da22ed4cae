using AuthzService.Client;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Security;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Health.V1;

namespace AuthzService.IntegrationTests.Client;

/// <summary>
/// The client library end to end over mutual TLS against the real service (required client certificates,
/// caller CA, allow-list): PEM files and in-code certificates, a custom CA for the server, a caller certificate
/// from an intermediate CA; and failing closed when either side's trust does not hold.
/// </summary>
[TestClass]
public sealed class AuthzClientMutualTlsTests
{
    private static TlsMaterial s_tls = null!;
    private static AuthzServiceInstance s_service = null!;
    private static TempDirectory s_files = null!;
    private static string s_serverCaPath = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_tls = new TlsMaterial();
        s_files = new TempDirectory("authz-client-mtls-");
        s_serverCaPath = s_tls.ServerCa.WriteCaPem(Path.Combine(s_files.Path, "server-ca"));
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("client_mtls", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Tls = s_tls.ServiceTls(s_tls.Client("operator")),
                Overrides = new Dictionary<string, string?>
                {
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("operator").ToString(),
                    ["Auth:Callers:0:Services:0"] = "authz.v1.MembershipService",
                    ["Auth:Callers:0:Services:1"] = "authz.v1.AuthorizationService",
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("chained").ToString(),
                    ["Auth:Callers:1:Services:0"] = "authz.v1.AuthorizationService",
                },
            },
            context.CancellationToken);
        using var operatorClient = new AuthzClient(Options(Pem("operator-seed", s_tls.Client("operator"))));
        await DemoDirectory.SeedAsync(operatorClient, context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_service.DisposeAsync();
        s_files.Dispose();
        s_tls.Dispose();
    }

    private static AuthzResource Document(string tenant, string owner) => new("document", "doc-1")
    {
        Attributes = new Dictionary<string, object?> { ["tenant_id"] = tenant, ["owner_id"] = owner },
    };

    /// <summary>Writes a client certificate (and its chain) as PEM files; returns (certPath, keyPath).</summary>
    private static (string Cert, string Key) Pem(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, TestCertificates? issuer = null) =>
        TestCertificates.WritePem(certificate, Path.Combine(s_files.Path, name), "client", issuer?.Chain);

    private static AuthzClientOptions Options((string Cert, string Key) client, string? caPath = null) => new()
    {
        Address = s_service.Address.ToString(),
        CaCertificatePath = caPath ?? s_serverCaPath,
        ClientCertificatePath = client.Cert,
        ClientKeyPath = client.Key,
        DefaultTimeout = TimeSpan.FromSeconds(10),
    };

    [TestMethod]
    public async Task PemFiles_ClientCertificateAndCustomCa_DecidesOverMutualTls()
    {
        using var client = new AuthzClient(Options(Pem("pem", s_tls.Client("operator"))));

        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "delete", TestContext.CancellationToken);
        var denied = await client.IsAllowedAsync("acme", "carol", Document("acme", "bob"), "delete", TestContext.CancellationToken);
        var health = await client.CheckHealthAsync(cancellationToken: TestContext.CancellationToken);

        Assert.IsTrue(allowed);
        Assert.IsFalse(denied);
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health);
    }

    [TestMethod]
    public async Task InCodeCertificates_X509Certificate2AndCaCollection_DecidesOverMutualTls()
    {
        using var certificate = s_tls.Client("operator");
        using var client = new AuthzClient(new AuthzClientOptions
        {
            Address = s_service.Address.ToString(),
            TrustedCaCertificates = [s_tls.ServerCa.Ca],
            ClientCertificate = certificate,
            DefaultTimeout = TimeSpan.FromSeconds(10),
        });

        var tenant = await client.GetTenantAsync("acme", TestContext.CancellationToken);

        Assert.AreEqual("Acme Corp", tenant?.DisplayName);
    }

    [TestMethod]
    public async Task CallerCertificateOfIntermediateCa_ChainInThePemFile_TrustedByTheRootOnlyBundle()
    {
        using var issuing = s_tls.CallerCa.IssueIntermediate("Caller Issuing CA");
        using var certificate = issuing.IssueClient("chained", uris: [TlsMaterial.Spiffe("chained")]);
        using var client = new AuthzClient(Options(Pem("chained", certificate, issuing)));

        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken);

        Assert.IsTrue(allowed, s_service.Logs.Text);
    }

    [TestMethod]
    public async Task ServerCertificateFromAnotherCa_FailsClosed()
    {
        using var otherCa = new TestCertificates("Not The Server CA");
        var otherCaPath = otherCa.WriteCaPem(Path.Combine(s_files.Path, "other-ca"));
        using var client = new AuthzClient(Options(Pem("wrong-ca", s_tls.Client("operator")), otherCaPath));

        var ex = await Assert.ThrowsExactlyAsync<AuthzUnavailableException>(
            () => client.Check("acme", "alice").Resource(Document("acme", "bob")).Actions("read").ExecuteAsync(TestContext.CancellationToken));
        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken);

        Assert.AreEqual("Unavailable", ex.StatusCode.ToString());
        Assert.IsFalse(allowed);
    }

    [TestMethod]
    public async Task ClientCertificateFromAnUntrustedCa_RefusedByTheService_FailsClosed()
    {
        using var strangers = new TestCertificates("Stranger CA");
        using var stranger = strangers.IssueClient("operator", uris: [TlsMaterial.Spiffe("operator")]);
        using var client = new AuthzClient(Options(Pem("stranger", stranger)));

        var ex = await Assert.ThrowsExactlyAsync<AuthzUnavailableException>(
            () => client.Check("acme", "alice").Resource(Document("acme", "bob")).Actions("read").ExecuteAsync(TestContext.CancellationToken));
        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken);

        Assert.AreEqual("Unavailable", ex.StatusCode.ToString());
        Assert.IsFalse(allowed);
    }
}
