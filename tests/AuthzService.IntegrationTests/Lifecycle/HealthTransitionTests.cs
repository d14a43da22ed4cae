using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>Health follows the required dependencies: NOT_SERVING while PostgreSQL or Cerbos is down, SERVING when they return.</summary>
[TestClass]
public sealed class HealthTransitionTests
{
    private static readonly TimeSpan s_transition = TimeSpan.FromSeconds(30);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("Health:ProbeInterval", "00:00:00", "Health:ProbeInterval (env Health__ProbeInterval): must be between")]
    [DataRow("Health:ProbeTimeout", "-00:00:01", "Health:ProbeTimeout (env Health__ProbeTimeout): must be positive")]
    public async Task Start_BadProbeTiming_RefusedNamingTheKey(string key, string value, string expected)
    {
        // Unvalidated, a zero interval probed PostgreSQL and Cerbos in a tight loop and a negative one stopped
        // the host from inside the monitor with an error naming no setting.
        var database = await Postgres.PostgresAssemblyFixture.CreateDatabaseAsync("health_bad_timing", TestContext.CancellationToken);
        var cerbos = await Cerbos.CerbosServerFixture.GetSharedAsync();
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AuthzServiceInstance.StartAsync(
            database, cerbos, new Dictionary<string, string?> { [key] = value }, TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, expected);
    }

    [TestMethod]
    public async Task Health_PostgresStopsAndReturns_NotServingThenServing()
    {
        using var postgres = await PostgresServer.StartNewAsync(TestContext.CancellationToken);
        var database = await postgres.CreateDatabaseAsync("health_pg", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(database, await Cerbos.CerbosServerFixture.GetSharedAsync(), cancellationToken: TestContext.CancellationToken);

        await postgres.StopAsync(TestContext.CancellationToken);
        await service.WaitForHealthAsync(ServingStatus.NotServing, s_transition, TestContext.CancellationToken);
        var serviceLevel = await service.HealthAsync("authz.v1.AuthorizationService", TestContext.CancellationToken);
        await postgres.StartAsync(TestContext.CancellationToken);
        await service.WaitForHealthAsync(ServingStatus.Serving, s_transition, TestContext.CancellationToken);

        Assert.AreEqual(ServingStatus.NotServing, serviceLevel.Status);
        Assert.IsTrue(service.Logs.Lines.Any(l => l.Message.Contains("is down; health is NOT_SERVING", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Health_CerbosStopsAndReturns_NotServingThenServing()
    {
        await using var cerbos = await CerbosServer.StartNewAsync(cancellationToken: TestContext.CancellationToken);
        var database = await Postgres.PostgresAssemblyFixture.CreateDatabaseAsync("health_cerbos", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(database, cerbos, cancellationToken: TestContext.CancellationToken);

        await cerbos.StopAsync();
        await service.WaitForHealthAsync(ServingStatus.NotServing, s_transition, TestContext.CancellationToken);
        await cerbos.StartAsync(TestContext.CancellationToken);
        await service.WaitForHealthAsync(ServingStatus.Serving, s_transition, TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task Health_BeforeDependenciesAnswer_NotServing()
    {
        // PostgreSQL is not running yet when the service starts: it must not claim to serve.
        using var postgres = await PostgresServer.StartNewAsync(TestContext.CancellationToken);
        var database = await postgres.CreateDatabaseAsync("health_start", TestContext.CancellationToken);
        await postgres.StopAsync(TestContext.CancellationToken);
        var starting = AuthzServiceInstance.StartAsync(
            database, await Cerbos.CerbosServerFixture.GetSharedAsync(), cancellationToken: TestContext.CancellationToken);

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CancellationToken);
        Assert.IsFalse(starting.IsCompleted, "StartAsync waits for SERVING, which needs PostgreSQL");
        await postgres.StartAsync(TestContext.CancellationToken);
        await using var service = await starting;

        Assert.AreEqual(ServingStatus.Serving, (await service.HealthAsync(cancellationToken: TestContext.CancellationToken)).Status);
    }
}
