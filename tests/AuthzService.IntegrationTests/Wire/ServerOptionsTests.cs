using AuthzService.IntegrationTests.Service;
using Google.Protobuf.WellKnownTypes;
using Grpc.Testing;
using static AuthzService.IntegrationTests.Wire.WireService;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// <c>Grpc:Server</c> on the real service: the deadline bound (ours; Grpc.AspNetCore applies only the client's
/// <c>grpc-timeout</c>), response compression and the send limit (handed to Grpc.AspNetCore).
/// </summary>
[TestClass]
public sealed class ServerOptionsTests
{
    private const string DeadlinePath = "/test.v1.Probe/Deadline";
    private const string WaitPath = "/test.v1.Probe/WaitForCancel";
    private const long MaxDeadlineMs = 2000;
    private static AuthzServiceInstance s_service = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        (s_service, _) = await WireService.StartAsync("wire_options", context, new Dictionary<string, string?>
        {
            ["Grpc:Server:MaxDeadline"] = "00:00:02",
            ["Grpc:Server:ResponseCompressionAlgorithm"] = "gzip",
            ["Grpc:Server:MaxSendMessageSize"] = "100000",
        });
        s_client = GrpcWire.Client(s_service.Address);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_service.DisposeAsync();
    }

    [TestMethod]
    [DataRow(null, DisplayName = "no grpc-timeout")]
    [DataRow("abc")]
    [DataRow("1s", DisplayName = "lower-case s is no unit")]
    [DataRow("-5S")]
    [DataRow("5")]
    [DataRow("1.5S")]
    [DataRow("5H", DisplayName = "later than the bound")]
    [DataRow("123456789S", DisplayName = "nine digits")]
    public async Task Call_NoUsableTimeoutOrALaterOne_HandlerSeesTheServerBound(string? timeout)
    {
        var result = await GrpcWire.SendAsync(s_client, Timed(DeadlinePath, timeout));

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        var remaining = result.SingleMessage(Int64Value.Parser).Value;
        Assert.IsInRange(1L, MaxDeadlineMs, remaining, "only the server bound applies");
    }

    [TestMethod]
    public async Task Call_TimeoutBelowTheBound_HandlerSeesIt()
    {
        var result = await GrpcWire.SendAsync(s_client, Timed(DeadlinePath, "500m"));

        Assert.IsInRange(1L, 500L, result.SingleMessage(Int64Value.Parser).Value);
    }

    [TestMethod]
    [DataRow("200m", DisplayName = "the client's deadline")]
    [DataRow(null, DisplayName = "the server bound, no grpc-timeout")]
    [DataRow("1H", DisplayName = "the server bound, a later grpc-timeout")]
    public async Task Call_DeadlinePasses_HandlerCancelledAndDeadlineExceeded(string? timeout)
    {
        // The handler only returns when its token is cancelled, so an answer proves cancellation.
        var result = await GrpcWire.SendAsync(s_client, Timed(WaitPath, timeout));

        Assert.AreEqual(4, result.GrpcStatus, result.ToString());
        Assert.IsEmpty(result.Messages);
        Assert.AreEqual(0, (await GrpcWire.SendAsync(s_client, Timed(DeadlinePath, null))).GrpcStatus, "the connection still serves");
    }

    [TestMethod]
    public async Task Call_HandlerThrowsUnmappedException_UnknownWithoutItsText()
    {
        var result = await GrpcWire.SendAsync(s_client, Timed("/test.v1.Probe/Throw", null));

        var everything = string.Join("\n", result.Headers.Values.Concat(result.Trailers.Values).Append(result.GrpcMessage ?? ""));

        Assert.AreEqual(2, result.GrpcStatus, result.ToString());
        Assert.IsEmpty(result.Messages);
        Assert.DoesNotContain(ProbeService.Secret, everything, "exception text never reaches a caller");
        Assert.DoesNotContain("InvalidOperationException", everything);
    }

    [TestMethod]
    [DataRow("gzip", true)]
    [DataRow("identity", false)]
    public async Task Unary_ResponseCompressionOption_CompressesWhenClientAccepts(string acceptEncoding, bool expectCompressed)
    {
        var message = GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(new SimpleRequest { ResponseSize = 500 }));
        message.Headers.Add("grpc-accept-encoding", acceptEncoding);

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        Assert.AreEqual(expectCompressed, result.Messages[0].Compressed);
    }

    [TestMethod]
    public async Task Unary_ResponseAboveMaxSendMessageSize_ResourceExhausted()
    {
        var tooBig = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(new SimpleRequest { ResponseSize = 200_000 })));
        var fits = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(new SimpleRequest { ResponseSize = 50_000 })));

        Assert.AreEqual(8, tooBig.GrpcStatus, tooBig.ToString());
        Assert.IsEmpty(tooBig.Messages);
        Assert.AreEqual(0, fits.GrpcStatus, fits.ToString());
    }

    private static HttpRequestMessage Timed(string path, string? timeout)
    {
        var request = GrpcWire.Request(path, GrpcWire.Frame(new Google.Protobuf.WellKnownTypes.Empty()));
        if (timeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        }

        return request;
    }
}
