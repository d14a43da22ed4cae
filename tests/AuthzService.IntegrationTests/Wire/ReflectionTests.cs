using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Security;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// Server reflection (grpc.reflection.v1 and v1alpha, as grpcurl and Postman use it), asked by an independent
/// client (Python grpcio, tests/interop/python/reflection_client.py): it lists our services, is refused on the
/// health-only listener, and on TLS is a method like any other: only callers whose allow-list entry names it.
/// </summary>
[TestClass]
public sealed class ReflectionTests
{
    private const string ReflectionV1 = "grpc.reflection.v1.ServerReflection";
    private static AuthzServiceInstance s_plain = null!;
    private static AuthzServiceInstance s_tls = null!;
    private static TlsMaterial s_material = null!;
    private static TempDirectory s_pem = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        s_plain = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(await PostgresAssemblyFixture.CreateDatabaseAsync("wire_reflection", context.CancellationToken), cerbos)
            {
                HealthListener = true,
            },
            context.CancellationToken);

        s_material = new TlsMaterial();
        s_pem = new TempDirectory("authz-reflection-");
        File.WriteAllText(Path.Combine(s_pem.Path, "server-ca.crt"), s_material.ServerCa.Ca.ExportCertificatePem());
        foreach (var caller in new[] { "explorer", "checker", "bound-explorer" })
        {
            using var certificate = s_material.Client(caller);
            TestCertificates.WritePem(certificate, s_pem.Path, caller);
        }

        s_tls = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(await PostgresAssemblyFixture.CreateDatabaseAsync("wire_reflection_tls", context.CancellationToken), cerbos)
            {
                Tls = s_material.ServiceTls(s_material.Client("explorer")),
                Overrides = new Dictionary<string, string?>
                {
                    ["Auth:Callers:0:Identity"] = TlsMaterial.Spiffe("explorer").ToString(),
                    ["Auth:Callers:0:Services:0"] = ReflectionV1,
                    ["Auth:Callers:0:Services:1"] = "grpc.reflection.v1alpha.ServerReflection",
                    ["Auth:Callers:1:Identity"] = TlsMaterial.Spiffe("checker").ToString(),
                    ["Auth:Callers:1:Services:0"] = "authz.v1.AuthorizationService",
                    ["Auth:Callers:2:Identity"] = TlsMaterial.Spiffe("bound-explorer").ToString(),
                    ["Auth:Callers:2:Services:0"] = ReflectionV1,
                    ["Auth:Callers:2:Tenants:0"] = "acme",
                },
            },
            context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_plain.DisposeAsync();
        await s_tls.DisposeAsync();
        s_material.Dispose();
        s_pem.Dispose();
    }

    [TestMethod]
    [DataRow("v1")]
    [DataRow("v1alpha")]
    public async Task Reflection_IndependentClient_ListsOurServicesAndDescribesThem(string api)
    {
        // Act
        var run = await InteropClient.RunPythonAsync(
            "reflection_client.py", $"--port={s_plain.Address.Port}", $"--api={api}", "--symbol=authz.v1.AuthorizationService");

        // Assert
        Assert.AreEqual(0, run.ExitCode, run.Output);
        foreach (var service in new[] { "authz.v1.AuthorizationService", "authz.v1.MembershipService", "authz.v1.CacheService", "grpc.health.v1.Health" })
        {
            StringAssert.Contains(run.Output, "SERVICE " + service + "\n");
        }

        StringAssert.Contains(run.Output, "METHOD authz.v1.AuthorizationService/CheckResources\n");
        StringAssert.Contains(run.Output, "METHOD authz.v1.AuthorizationService/PlanResources\n");
    }

    [TestMethod]
    public async Task Reflection_OnHealthListener_PermissionDenied()
    {
        var run = await InteropClient.RunPythonAsync("reflection_client.py", $"--port={s_plain.HealthAddress!.Port}");

        Assert.AreEqual(1, run.ExitCode, run.Output);
        StringAssert.StartsWith(run.Output, "ERROR PERMISSION_DENIED");
    }

    [TestMethod]
    public async Task Reflection_OnTlsCallerGrantedIt_ListsOurServices()
    {
        var run = await ReflectAsTls("explorer");

        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "SERVICE authz.v1.AuthorizationService\n");
    }

    [TestMethod]
    [DataRow("checker", DisplayName = "allow-list entry without reflection")]
    [DataRow("bound-explorer", DisplayName = "tenant-bound entry: reflection spans every tenant")]
    public async Task Reflection_OnTlsCallerNotGrantedIt_PermissionDeniedAndAudited(string caller)
    {
        var run = await ReflectAsTls(caller);

        Assert.AreEqual(1, run.ExitCode, run.Output);
        StringAssert.StartsWith(run.Output, "ERROR PERMISSION_DENIED");
        await s_tls.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.authorization_failed")
            && l["Caller"] == TlsMaterial.Spiffe(caller).ToString() && l["Method"] == $"/{ReflectionV1}/ServerReflectionInfo");
    }

    private static Task<(int ExitCode, string Output)> ReflectAsTls(string caller) =>
        InteropClient.RunPythonAsync(
            "reflection_client.py", $"--port={s_tls.Address.Port}",
            "--ca=" + Path.Combine(s_pem.Path, "server-ca.crt"),
            "--cert=" + Path.Combine(s_pem.Path, caller + ".crt"),
            "--key=" + Path.Combine(s_pem.Path, caller + ".key"));
}
