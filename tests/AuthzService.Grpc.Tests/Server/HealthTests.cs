using AuthzService.Grpc.Tests.TestHost;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S13: grpc.health.v1.Health Check and Watch over the registry.</summary>
[TestClass]
public sealed class HealthTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [TestMethod]
    public async Task Check_WholeServer_ReturnsServing()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();

        var result = await CheckAsync(client, "");

        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual(ServingStatus.Serving, result.SingleMessage(HealthCheckResponse.Parser).Status);
    }

    [TestMethod]
    [DataRow(ServingStatus.Serving)]
    [DataRow(ServingStatus.NotServing)]
    public async Task Check_RegisteredService_ReturnsItsStatus(ServingStatus status)
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();
        server.Health.SetStatus("authz.v1.Authz", status);

        var result = await CheckAsync(client, "authz.v1.Authz");

        Assert.AreEqual(status, result.SingleMessage(HealthCheckResponse.Parser).Status);
    }

    [TestMethod]
    public async Task Check_UnknownService_ReturnsNotFound()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();

        var result = await CheckAsync(client, "no.such.Service");

        Assert.AreEqual(5, result.GrpcStatus);
    }

    [TestMethod]
    public async Task Watch_StatusChanges_SendsCurrentThenEachChange()
    {
        // Arrange
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();
        server.Health.SetStatus("authz.v1.Authz", ServingStatus.Serving);
        await using var watch = await HealthWatcher.OpenAsync(client, "authz.v1.Authz");

        // Act / Assert
        Assert.AreEqual(ServingStatus.Serving, await watch.NextAsync(s_wait));
        server.Health.SetStatus("authz.v1.Authz", ServingStatus.NotServing);
        Assert.AreEqual(ServingStatus.NotServing, await watch.NextAsync(s_wait));
        server.Health.SetStatus("authz.v1.Authz", ServingStatus.Serving);
        Assert.AreEqual(ServingStatus.Serving, await watch.NextAsync(s_wait));
    }

    [TestMethod]
    public async Task Watch_UnknownService_SendsServiceUnknownThenStatusOnceSet()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();
        await using var watch = await HealthWatcher.OpenAsync(client, "later.Service");

        Assert.AreEqual(ServingStatus.ServiceUnknown, await watch.NextAsync(s_wait));
        server.Health.SetStatus("later.Service", ServingStatus.Serving);
        Assert.AreEqual(ServingStatus.Serving, await watch.NextAsync(s_wait));
    }

    [TestMethod]
    public async Task Watch_ClientCancels_ServerStopsWatching()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();
        var watch = await HealthWatcher.OpenAsync(client, "");
        Assert.AreEqual(ServingStatus.Serving, await watch.NextAsync(s_wait));

        await watch.DisposeAsync();

        // The server ends the call as CANCELLED (event 10) and still answers.
        using var cts = new CancellationTokenSource(s_wait);
        while (server.Logs.Grpc(10).Count == 0)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.AreEqual(0, (await CheckAsync(client, "")).GrpcStatus);
    }

    private static Task<GrpcCallResult> CheckAsync(HttpClient client, string service) =>
        GrpcWire.SendAsync(client, GrpcWire.Request("/grpc.health.v1.Health/Check", GrpcWire.Frame(new HealthCheckRequest { Service = service })));
}
