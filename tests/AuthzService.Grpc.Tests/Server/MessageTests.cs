using AuthzService.Grpc.Tests.TestHost;
using Google.Protobuf;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S5-S7: framing independent of DATA frames, exactly one unary request, size limits.</summary>
[TestClass]
public sealed class MessageTests
{
    // Bad requests go to this method only, so its invocation count must stay zero.
    private const string GuardedPath = "/authz.test.Functional/Context";
    private static TestServer s_server = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_server = await TestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.MaxReceiveMessageSize = 64 * 1024 });
        s_client = s_server.CreateHttpClient();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_server.DisposeAsync();
    }

    [TestMethod]
    public async Task Unary_MessageSentOneByteAtATime_Succeeds()
    {
        // Arrange
        var request = new SimpleRequest { ResponseSize = 10, Payload = new Payload { Body = ByteString.CopyFrom(new byte[100]) } };
        var content = new OneByteAtATimeContent(GrpcWire.Frame(request));

        // Act
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/grpc.testing.TestService/UnaryCall", content));

        // Assert
        Assert.AreEqual(0, result.GrpcStatus, result.GrpcMessage);
        Assert.AreEqual(10, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    [DataRow(0, 12, DisplayName = "no message")]
    [DataRow(2, 12, DisplayName = "two messages in one DATA frame")]
    [DataRow(3, 12, DisplayName = "three messages")]
    public async Task Unary_WrongMessageCount_FailsWithoutInvokingHandler(int messages, int expectedStatus)
    {
        var body = GrpcWire.Concat(Enumerable.Repeat(GrpcWire.Frame(new SimpleRequest()), messages).ToArray());

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(GuardedPath, body));

        Assert.AreEqual(expectedStatus, result.GrpcStatus);
        await AssertHandlerNotInvokedAndServerHealthyAsync();
    }

    [TestMethod]
    [DataRow(new byte[] { 0, 0, 0 }, DisplayName = "truncated header")]
    [DataRow(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 }, DisplayName = "truncated payload")]
    [DataRow(new byte[] { 2, 0, 0, 0, 0 }, DisplayName = "invalid flag")]
    [DataRow(new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF }, DisplayName = "unparseable payload")]
    public async Task Unary_MalformedMessage_ReturnsInternalWithoutInvokingHandler(byte[] body)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(GuardedPath, body));

        Assert.AreEqual(13, result.GrpcStatus, result.GrpcMessage);
        await AssertHandlerNotInvokedAndServerHealthyAsync();
    }

    [TestMethod]
    public async Task Unary_MessageThenTruncatedSecond_ReturnsUnimplemented()
    {
        var body = GrpcWire.Concat(GrpcWire.Frame(new SimpleRequest()), [0, 0]);

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(GuardedPath, body));

        Assert.AreEqual(12, result.GrpcStatus);
        await AssertHandlerNotInvokedAndServerHealthyAsync();
    }

    [TestMethod]
    [DataRow(0xFFFFFFFFu)]
    [DataRow(0x80000000u)]
    [DataRow(64u * 1024 + 1)]
    public async Task Unary_DeclaredLengthAboveLimit_ReturnsResourceExhaustedAndConnectionStaysUsable(uint declared)
    {
        // Only the header is sent: the server must refuse on the declared length alone.
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(GuardedPath, GrpcWire.Header(declared)));

        Assert.AreEqual(8, result.GrpcStatus);
        await AssertHandlerNotInvokedAndServerHealthyAsync();
    }

    [TestMethod]
    public async Task Unary_MessageAboveLimitFullySent_ReturnsResourceExhausted()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[70 * 1024]) } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(GuardedPath, GrpcWire.Frame(request)));

        Assert.AreEqual(8, result.GrpcStatus);
        await AssertHandlerNotInvokedAndServerHealthyAsync();
    }

    [TestMethod]
    public async Task Unary_MessageJustBelowLimit_Succeeds()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[60 * 1024]) } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/grpc.testing.TestService/UnaryCall", GrpcWire.Frame(request)));

        Assert.AreEqual(0, result.GrpcStatus);
    }

    private static async Task AssertHandlerNotInvokedAndServerHealthyAsync()
    {
        Assert.AreEqual(0, s_server.Invocations.Count(GuardedPath), "a bad request must never reach the handler");
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus, "the server must still answer a normal call");
    }
}
