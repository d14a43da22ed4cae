using AuthzService.Grpc.Internal;
using AuthzService.Grpc.Tests.TestHost;
using Google.Protobuf;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S8: request decompression, its failure modes, and compressed responses.</summary>
[TestClass]
public sealed class CompressionTests
{
    private const string UnaryPath = "/grpc.testing.TestService/UnaryCall";
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
    public async Task Unary_GzipRequest_IsDecompressedAndSeenAsCompressed()
    {
        // Arrange: expect_compressed makes the handler fail unless the flag arrived set.
        var request = new SimpleRequest { ExpectCompressed = new BoolValue { Value = true }, ResponseSize = 5, Payload = new Payload { Body = ByteString.CopyFrom(new byte[1000]) } };
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Frame(request, compress: true));
        message.Headers.Add("grpc-encoding", "gzip");

        // Act
        var result = await GrpcWire.SendAsync(s_client, message);

        // Assert
        Assert.AreEqual(0, result.GrpcStatus, result.GrpcMessage);
        Assert.AreEqual(5, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("identity")]
    public async Task Unary_CompressedFlagWithoutEncoding_ReturnsInternal(string? encoding)
    {
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Frame(new SimpleRequest(), compress: true));
        if (encoding is not null)
        {
            message.Headers.Add("grpc-encoding", encoding);
        }

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(13, result.GrpcStatus);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    [DataRow("br")]
    [DataRow("deflate")]
    [DataRow("snappy")]
    public async Task Unary_UnsupportedEncoding_ReturnsUnimplementedListingSupported(string encoding)
    {
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Frame(new SimpleRequest(), compress: true));
        message.Headers.Add("grpc-encoding", encoding);

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(12, result.GrpcStatus);
        StringAssert.Contains(result.Headers["grpc-accept-encoding"], "gzip");
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    public async Task Unary_GzipBomb_ReturnsResourceExhausted()
    {
        // 64 MiB of zeros compresses to ~64 KiB: small on the wire, far above the 4 MiB limit inflated.
        var bomb = MessageFraming.Gzip(new byte[64 * 1024 * 1024]);
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Concat(GrpcWire.Header((uint)bomb.Length, flag: 1), bomb));
        message.Headers.Add("grpc-encoding", "gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(8, result.GrpcStatus);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    public async Task Unary_CorruptGzip_ReturnsInternal()
    {
        byte[] garbage = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad];
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Concat(GrpcWire.Header((uint)garbage.Length, flag: 1), garbage));
        message.Headers.Add("grpc-encoding", "gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(13, result.GrpcStatus);
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(s_client)).GrpcStatus);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public async Task Unary_ResponseCompressedRequested_SetsFlagOnlyWhenAsked(bool compress)
    {
        var request = new SimpleRequest { ResponseSize = 1000, ResponseCompressed = new BoolValue { Value = compress } };
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Frame(request));
        message.Headers.Add("grpc-accept-encoding", "identity,gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual(compress, result.Messages[0].Compressed);
        Assert.AreEqual(compress ? "gzip" : null, result.Headers.GetValueOrDefault("grpc-encoding"));
        Assert.AreEqual(1000, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    public async Task Unary_ResponseCompressedButClientDoesNotAcceptGzip_SendsUncompressed()
    {
        var request = new SimpleRequest { ResponseSize = 1000, ResponseCompressed = new BoolValue { Value = true } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryPath, GrpcWire.Frame(request)));

        Assert.AreEqual(0, result.GrpcStatus);
        Assert.IsFalse(result.Messages[0].Compressed);
    }

    [TestMethod]
    [DataRow("gzip", true)]
    [DataRow("identity", false)]
    public async Task Unary_ServerCompressionOption_CompressesWhenClientAccepts(string acceptEncoding, bool expectCompressed)
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.ResponseCompressionAlgorithm = "gzip" });
        using var client = server.CreateHttpClient();
        var message = GrpcWire.Request(UnaryPath, GrpcWire.Frame(new SimpleRequest { ResponseSize = 500 }));
        message.Headers.Add("grpc-accept-encoding", acceptEncoding);

        var result = await GrpcWire.SendAsync(client, message);

        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual(expectCompressed, result.Messages[0].Compressed);
    }
}
