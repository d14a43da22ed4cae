using AuthzService.Api.Health;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>
/// Health checking as callers rely on it (a registered name SERVING or NOT_SERVING, unknown NOT_FOUND, "" the whole
/// server, Watch the current status then each change; docs/grpc.md, S13) on the real service: grpc.health.v1.Health
/// Check and Watch per service, driven by what the dependency monitor sets (<see cref="ServingHealth"/>), and Watch
/// at shutdown. (Moved from AuthzService.Grpc.Tests' HealthTests and HealthStatusRegistryTests, which tested our
/// former health service on a test host.)
/// </summary>
[TestClass]
public sealed class HealthWatchTests
{
    private const string Authorization = "authz.v1.AuthorizationService";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    public TestContext TestContext { get; set; } = null!;

    private async Task<AuthzServiceInstance> StartAsync(string name) =>
        await AuthzServiceInstance.StartAsync(
            await PostgresAssemblyFixture.CreateDatabaseAsync(name, TestContext.CancellationToken),
            await Cerbos.CerbosServerFixture.GetSharedAsync(),
            cancellationToken: TestContext.CancellationToken);

    private static async Task<ServingStatus> NextAsync(IAsyncStreamReader<HealthCheckResponse> stream)
    {
        using var timeout = new CancellationTokenSource(s_wait);
        Assert.IsTrue(await stream.MoveNext(timeout.Token), "the watch sent a status");
        return stream.Current.Status;
    }

    [TestMethod]
    public async Task CheckAndWatch_EveryServiceAndTheServer_ServingThenEachChange()
    {
        await using var service = await StartAsync("health_watch");
        var health = service.GetRequiredService<ServingHealth>();
        var client = new Health.HealthClient(service.Channel);
        using var watch = client.Watch(new HealthCheckRequest { Service = Authorization }, cancellationToken: TestContext.CancellationToken);
        var checks = new List<ServingStatus>();
        foreach (var name in new[] { "", Authorization, "authz.v1.MembershipService", "authz.v1.CacheService" })
        {
            checks.Add((await service.HealthAsync(name, TestContext.CancellationToken)).Status);
        }

        var first = await NextAsync(watch.ResponseStream);
        health.SetAll(ServingStatus.NotServing);
        var down = await NextAsync(watch.ResponseStream);
        var downCheck = (await service.HealthAsync(Authorization, TestContext.CancellationToken)).Status;
        health.SetAll(ServingStatus.Serving);
        var up = await NextAsync(watch.ResponseStream);

        Assert.IsTrue(checks.TrueForAll(s => s == ServingStatus.Serving), string.Join(", ", checks));
        Assert.AreEqual(ServingStatus.Serving, first, "the current status first");
        Assert.AreEqual(ServingStatus.NotServing, down);
        Assert.AreEqual(ServingStatus.NotServing, downCheck);
        Assert.AreEqual(ServingStatus.Serving, up);
    }

    [TestMethod]
    public async Task CheckAndWatch_UnknownService_NotFoundAndServiceUnknown()
    {
        await using var service = await StartAsync("health_unknown");
        var client = new Health.HealthClient(service.Channel);
        using var watch = client.Watch(new HealthCheckRequest { Service = "no.such.Service" }, cancellationToken: TestContext.CancellationToken);

        var check = await Assert.ThrowsExactlyAsync<RpcException>(() => service.HealthAsync("no.such.Service", TestContext.CancellationToken));
        var watched = await NextAsync(watch.ResponseStream);

        Assert.AreEqual(StatusCode.NotFound, check.StatusCode);
        Assert.AreEqual(ServingStatus.ServiceUnknown, watched);
    }

    [TestMethod]
    public async Task Watch_ClientCancels_ServiceStillAnswers()
    {
        await using var service = await StartAsync("health_cancel");
        var client = new Health.HealthClient(service.Channel);
        using (var cancel = new CancellationTokenSource())
        {
            using var watch = client.Watch(new HealthCheckRequest(), cancellationToken: cancel.Token);
            Assert.AreEqual(ServingStatus.Serving, await NextAsync(watch.ResponseStream));
            await cancel.CancelAsync();
        }

        var after = await service.HealthAsync(cancellationToken: TestContext.CancellationToken);

        Assert.AreEqual(ServingStatus.Serving, after.Status);
    }

    [TestMethod]
    public async Task Watch_ShutdownBegins_NotServingThenTheStreamEnds()
    {
        await using var service = await StartAsync("health_shutdown");
        var health = service.GetRequiredService<ServingHealth>();
        var client = new Health.HealthClient(service.Channel);
        using var watch = client.Watch(new HealthCheckRequest { Service = Authorization }, cancellationToken: TestContext.CancellationToken);
        var before = await NextAsync(watch.ResponseStream);

        var stopping = service.App.StopAsync();
        var during = await NextAsync(watch.ResponseStream);
        health.SetAll(ServingStatus.Serving); // the dependency monitor's next round, too late
        health.TryGetStatus(ServingHealth.Server, out var afterLateSet);
        using var timeout = new CancellationTokenSource(s_wait);
        var more = await watch.ResponseStream.MoveNext(timeout.Token);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(ServingStatus.Serving, before);
        Assert.AreEqual(ServingStatus.NotServing, during);
        Assert.AreEqual(ServingStatus.NotServing, afterLateSet, "once shutdown began, NOT_SERVING stays");
        Assert.IsFalse(more, "the watch ends at shutdown rather than holding it up");
        Assert.AreEqual(StatusCode.OK, watch.GetStatus().StatusCode);
    }
}
