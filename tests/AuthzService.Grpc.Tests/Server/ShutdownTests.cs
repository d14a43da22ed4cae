using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S12: health goes NOT_SERVING first, in-flight calls finish, then the server stops.</summary>
[TestClass]
public sealed class ShutdownTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [TestMethod]
    public async Task Stop_WithCallInFlight_ReportsNotServingThenLetsCallFinish()
    {
        // Arrange: a call held open by the gate, and a health watcher.
        await using var server = await TestServer.StartAsync(new TestServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(20) });
        using var client = server.CreateHttpClient();
        using var watcherClient = server.CreateHttpClient();
        var watch = await HealthWatcher.OpenAsync(watcherClient, "");
        Assert.AreEqual(ServingStatus.Serving, await watch.NextAsync(s_wait));
        var inFlight = GrpcWire.SendAsync(client, GrpcWire.Request("/authz.test.Functional/WaitForGate", GrpcWire.Frame(new SimpleRequest())));
        await server.Invocations.WaitForAsync("/authz.test.Functional/WaitForGate", s_wait);

        // Act
        var stopping = server.StopAsync();

        // Assert: health flips while the call is still running, and the watch stream ends on its own.
        Assert.AreEqual(ServingStatus.NotServing, await watch.NextAsync(s_wait));
        Assert.IsNull(await watch.NextAsync(s_wait), "Watch ends so it does not hold up shutdown");
        Assert.IsFalse(inFlight.IsCompleted);
        Assert.IsFalse(stopping.IsCompleted, "the server waits for the in-flight call");
        server.Invocations.Gate.SetResult();
        var result = await inFlight;
        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual("finished", result.SingleMessage(SimpleResponse.Parser).Hostname);
        await stopping.WaitAsync(s_wait);
        await watch.DisposeAsync();
        using var fresh = server.CreateHttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => GrpcWire.EmptyCallAsync(fresh));
    }

    [TestMethod]
    public async Task Stop_AfterShutdownBegan_LaterSetStatusIsIgnored()
    {
        await using var server = await TestServer.StartAsync();

        await server.StopAsync();
        server.Health.SetStatus("", ServingStatus.Serving);

        Assert.IsTrue(server.Health.TryGetStatus("", out var status));
        Assert.AreEqual(ServingStatus.NotServing, status);
    }
}
