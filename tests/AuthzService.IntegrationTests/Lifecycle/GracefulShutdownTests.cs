using AuthzService.Api.Health;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>Graceful shutdown (docs/grpc.md, S12) on the real host: NOT_SERVING first, new calls refused, calls in flight finish within the grace period.</summary>
[TestClass]
[DoNotParallelize] // HoldService's gate is static.
public sealed class GracefulShutdownTests
{
    public TestContext TestContext { get; set; } = null!;

    private async Task<AuthzServiceInstance> StartAsync(string gracePeriod)
    {
        HoldService.Reset();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("lifecycle_shutdown", TestContext.CancellationToken);
        return await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Overrides = new Dictionary<string, string?> { ["Lifecycle:ShutdownGracePeriod"] = gracePeriod },
                ConfigureApp = app => app.MapGrpcService<HoldService>(),
            },
            TestContext.CancellationToken);
    }

    private static Task<Empty> HoldAsync(AuthzServiceInstance service) =>
        service.Channel.CallUnaryAsync(HoldService.Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(60)));

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    [TestMethod]
    public async Task StopAsync_CallInFlight_HealthNotServingNewCallRefusedInFlightCallCompletes()
    {
        await using var service = await StartAsync("00:00:30");
        var lifetime = service.GetRequiredService<IHostApplicationLifetime>();
        var registry = service.GetRequiredService<ServingHealth>();
        var inFlight = HoldAsync(service);
        await HoldService.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = service.App.StopAsync();
        await WaitAsync(() => lifetime.ApplicationStopping.IsCancellationRequested);
        registry.TryGetStatus(ServingHealth.Server, out var health);
        var refused = await Assert.ThrowsExactlyAsync<RpcException>(() => service.CallAsync(
            "authz.v1.MembershipService", "ListTenants", new ListTenantsRequest(), ListTenantsResponse.Parser));
        Assert.IsFalse(stopping.IsCompleted, "shutdown waits for the call in flight");
        HoldService.Release.SetResult();
        await inFlight;
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.NotServing, health);
        Assert.AreEqual(StatusCode.Unavailable, refused.StatusCode);
        Assert.IsTrue(inFlight.IsCompletedSuccessfully, "the call in flight completed OK");
    }

    [TestMethod]
    public async Task StopAsync_CallOutlivesGracePeriod_ShutdownStillEnds()
    {
        await using var service = await StartAsync("00:00:01");
        var inFlight = HoldAsync(service);
        await HoldService.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await service.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        HoldService.Release.TrySetResult();

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => inFlight);
        Assert.AreNotEqual(StatusCode.OK, ex.StatusCode);
    }
}
