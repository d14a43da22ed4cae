using System.Globalization;
using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S9: grpc-timeout, the server's maximum deadline, and cancellation of the handler.</summary>
[TestClass]
public sealed class DeadlineTests
{
    private static TestServer s_server = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_server = await TestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.MaxDeadline = TimeSpan.FromMinutes(10) });
        s_client = s_server.CreateHttpClient();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_server.DisposeAsync();
    }

    [TestMethod]
    public async Task Call_TimeoutExpires_CancelsHandlerAndReturnsDeadlineExceeded()
    {
        // Arrange
        var request = Timed("/authz.test.Functional/WaitForCancel", "200m");

        // Act
        var result = await GrpcWire.SendAsync(s_client, request);

        // Assert: the handler only ends when its token is cancelled, so reaching here proves cancellation.
        Assert.AreEqual(4, result.GrpcStatus);
        Assert.IsEmpty(result.Messages);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    public async Task Call_HandlerIgnoresToken_StillEndsWithDeadlineExceeded()
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/authz.test.Functional/IgnoreDeadline", "100m"));

        Assert.AreEqual(4, result.GrpcStatus);
        Assert.IsEmpty(result.Messages, "the late response must not be sent after the deadline");
    }

    [TestMethod]
    [DataRow("0n")]
    [DataRow("1n")]
    public async Task Call_TimeoutAlreadyExpired_ReturnsDeadlineExceeded(string timeout)
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/authz.test.Functional/WaitForCancel", timeout));

        Assert.AreEqual(4, result.GrpcStatus);
    }

    [TestMethod]
    [DataRow("abc")]
    [DataRow("1s")]
    [DataRow("123456789S")]
    [DataRow("-5S")]
    [DataRow("5")]
    [DataRow("1.5S")]
    public async Task Call_MalformedTimeout_IsTreatedAsAbsent(string timeout)
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/authz.test.Functional/Context", timeout));

        Assert.AreEqual(0, result.GrpcStatus);
        var remaining = long.Parse(result.SingleMessage(SimpleResponse.Parser).Hostname, CultureInfo.InvariantCulture);
        Assert.IsGreaterThan(9 * 60 * 1000L, remaining, "only the server maximum (10 minutes) applies");
    }

    [TestMethod]
    public async Task Call_ValidTimeout_SetsContextDeadline()
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/authz.test.Functional/Context", "30S"));

        var remaining = long.Parse(result.SingleMessage(SimpleResponse.Parser).Hostname, CultureInfo.InvariantCulture);
        Assert.IsInRange(1L, 30_000L, remaining);
    }

    [TestMethod]
    public async Task Call_TimeoutAboveServerMaximum_IsClampedToMaximum()
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/authz.test.Functional/Context", "5H"));

        var remaining = long.Parse(result.SingleMessage(SimpleResponse.Parser).Hostname, CultureInfo.InvariantCulture);
        Assert.IsLessThanOrEqualTo(10 * 60 * 1000L, remaining);
    }

    [TestMethod]
    public async Task Call_NoTimeoutWithServerMaximum_EndsWithDeadlineExceeded()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.MaxDeadline = TimeSpan.FromMilliseconds(200) });
        using var client = server.CreateHttpClient();

        var result = await GrpcWire.SendAsync(client, GrpcWire.Request("/authz.test.Functional/WaitForCancel", GrpcWire.Frame(new SimpleRequest())));

        Assert.AreEqual(4, result.GrpcStatus);
    }

    [TestMethod]
    public async Task Call_ClientCancels_HandlerSeesCancellation()
    {
        // Arrange
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();
        using var cts = new CancellationTokenSource();
        var call = GrpcWire.SendAsync(client, GrpcWire.Request("/authz.test.Functional/WaitForCancel", GrpcWire.Frame(new SimpleRequest())), cts.Token);
        await server.Invocations.WaitForAsync("/authz.test.Functional/WaitForCancel", TimeSpan.FromSeconds(10));

        // Act
        await cts.CancelAsync();

        // Assert: the server maps the handler's cancellation to CANCELLED (event 10) instead of an error.
        await Assert.ThrowsAsync<OperationCanceledException>(() => call);
        await PollAsync(() => server.Logs.Grpc(10).Count > 0, TimeSpan.FromSeconds(10));
        Assert.IsFalse(server.Logs.Grpc(7).Count > 0, "a client cancel is not a handler failure");
    }

    private static HttpRequestMessage Timed(string path, string timeout)
    {
        var request = GrpcWire.Request(path, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        return request;
    }

    private static async Task PollAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
