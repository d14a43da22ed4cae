using System.Net;
using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S1-S4: what is a call, routing, where the status goes and how its message is encoded.</summary>
[TestClass]
public sealed class ProtocolTests
{
    private static TestServer s_server = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_server = await TestServer.StartAsync();
        s_client = s_server.CreateHttpClient();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_server.DisposeAsync();
    }

    [TestMethod]
    [DataRow("application/json")]
    [DataRow("text/plain")]
    [DataRow("application/grpcweb")]
    [DataRow(null)]
    public async Task Call_NonGrpcContentType_Returns415(string? contentType)
    {
        // Arrange
        var request = GrpcWire.Request("/grpc.testing.TestService/EmptyCall", GrpcWire.Frame(new Empty()), contentType);

        // Act
        var result = await GrpcWire.SendAsync(s_client, request);

        // Assert
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, result.HttpStatus);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    [DataRow("application/grpc")]
    [DataRow("application/grpc+proto")]
    [DataRow("application/grpc;charset=utf-8")]
    public async Task Call_GrpcContentTypeVariant_Succeeds(string contentType)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/grpc.testing.TestService/EmptyCall", GrpcWire.Frame(new Empty()), contentType));

        Assert.AreEqual(HttpStatusCode.OK, result.HttpStatus);
        Assert.AreEqual(0, result.GrpcStatus);
    }

    [TestMethod]
    public async Task Call_GetInsteadOfPost_Returns405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/grpc.testing.TestService/EmptyCall")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await s_client.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [TestMethod]
    [DataRow("/grpc.testing.NoSuchService/EmptyCall")]
    [DataRow("/grpc.testing.UnimplementedService/UnimplementedCall")]
    [DataRow("/grpc.testing.TestService/NoSuchMethod")]
    [DataRow("/grpc.testing.TestService/UnimplementedCall")]
    [DataRow("/grpc.testing.testservice/EmptyCall")]
    [DataRow("/grpc.testing.TestService/emptyCall")]
    [DataRow("/")]
    public async Task Call_UnknownServiceOrMethod_ReturnsTrailersOnlyUnimplemented(string path)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(path, GrpcWire.Frame(new Empty())));

        Assert.AreEqual(HttpStatusCode.OK, result.HttpStatus);
        Assert.IsTrue(result.TrailersOnly, "expected the status in the only HEADERS frame");
        Assert.AreEqual(12, result.GrpcStatus);
        Assert.AreEqual("application/grpc", result.Headers["content-type"]);
        Assert.IsEmpty(result.Messages);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    public async Task Call_UnknownServiceAndUnknownMethod_SayWhichIsMissing()
    {
        var service = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/nope.Service/Call", GrpcWire.Frame(new Empty())));
        var method = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/grpc.testing.TestService/Nope", GrpcWire.Frame(new Empty())));

        Assert.AreEqual("Service is unimplemented.", service.GrpcMessage);
        Assert.AreEqual("Method is unimplemented.", method.GrpcMessage);
    }

    [TestMethod]
    public async Task Call_Success_SendsStatusZeroInTrailers()
    {
        var result = await GrpcWire.EmptyCallAsync(s_client);

        Assert.IsFalse(result.Headers.ContainsKey("grpc-status"), "status belongs in trailers after a message");
        Assert.AreEqual("0", result.Trailers["grpc-status"]);
        Assert.HasCount(1, result.Messages);
        Assert.IsEmpty(result.Messages[0].Payload);
    }

    [TestMethod]
    public async Task Call_HandlerThrowsRpcException_SendsPercentEncodedMessageAndTrailers()
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/authz.test.Functional/ThrowRpc", GrpcWire.Frame(new SimpleRequest())));

        Assert.AreEqual(7, result.GrpcStatus);
        Assert.AreEqual("denied: 100%25 sure %E2%9C%93 %F0%9F%98%88", result.RawGrpcMessage);
        Assert.AreEqual("denied: 100% sure ✓ 😈", result.GrpcMessage);
        Assert.AreEqual("policy", result.Get("x-reason"));
        Assert.AreEqual("AAEC/w", result.Get("x-detail-bin"), "binary trailers are unpadded base64");
    }

    [TestMethod]
    public async Task ServerStream_ErrorAfterMessages_SendsMessagesThenStatusInTrailers()
    {
        var request = new SimpleRequest { ResponseSize = 3, ResponseStatus = new EchoStatus { Code = 10, Message = "aborted late" } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/authz.test.Functional/Stream", GrpcWire.Frame(request)));

        Assert.HasCount(3, result.Messages);
        Assert.IsFalse(result.TrailersOnly);
        Assert.AreEqual("10", result.Trailers["grpc-status"]);
        Assert.AreEqual("aborted late", result.GrpcMessage);
    }
}
