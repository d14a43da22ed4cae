using AuthzService.Grpc.Client;
using AuthzService.Testing;
using Google.Protobuf;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>
/// Our client against @grpc/grpc-js's server: the unary cases of gRPC doc/interop-test-descriptions.md.
/// One Node server (h2c and TLS) serves the whole class.
/// </summary>
[TestClass]
public sealed class NodeInteropTests
{
    private const string EmptyCall = "/grpc.testing.TestService/EmptyCall";
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";
    private const int LargeRequestSize = 271_828;
    private const int LargeResponseSize = 314_159;

    private static TempDirectory s_dir = null!;
    private static TestCertificates s_ca = null!;
    private static NodeTestServer s_server = null!;
    private static GrpcChannel s_channel = null!;
    private static GrpcChannel s_tlsChannel = null!;

    [ClassInitialize]
    public static async Task ClassInitialize(TestContext context)
    {
        s_dir = new TempDirectory("authz-node-interop-");
        s_ca = new TestCertificates();
        using var serverCertificate = s_ca.IssueServer();
        var (cert, key) = TestCertificates.WritePem(serverCertificate, s_dir.Path, "server");
        s_server = await NodeTestServer.StartAsync(cert, key);
        s_channel = GrpcChannel.ForAddress($"http://127.0.0.1:{s_server.Port}");
        s_tlsChannel = GrpcChannel.ForAddress(
            $"https://localhost:{s_server.TlsPort}", new GrpcChannelOptions { TrustedCaCertificates = [s_ca.Ca] });
    }

    [ClassCleanup]
    public static async Task ClassCleanup()
    {
        s_channel?.Dispose();
        s_tlsChannel?.Dispose();
        if (s_server is not null)
        {
            await s_server.DisposeAsync();
        }

        s_ca?.Dispose();
        s_dir?.Dispose();
    }

    [TestMethod]
    public async Task EmptyUnary_EmptyRequest_ReturnsEmptyResponse()
    {
        // Act
        var response = await s_channel.CallUnaryAsync(EmptyCall, new Empty(), Empty.Parser, Timeout());

        // Assert
        Assert.AreEqual(new Empty(), response);
    }

    [TestMethod]
    public async Task EmptyUnary_OverTlsWithPinnedCa_ReturnsEmptyResponse()
    {
        // Act
        var response = await s_tlsChannel.CallUnaryAsync(EmptyCall, new Empty(), Empty.Parser, Timeout());

        // Assert
        Assert.AreEqual(new Empty(), response);
    }

    [TestMethod]
    public async Task LargeUnary_LargePayloads_ReturnsRequestedSize()
    {
        // Act
        var response = await s_channel.CallUnaryAsync(UnaryCall, LargeRequest(), SimpleResponse.Parser, Timeout());

        // Assert
        Assert.AreEqual(LargeResponseSize, response.Payload.Body.Length);
        Assert.IsTrue(response.Payload.Body.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [TestMethod]
    public async Task ClientCompressedUnary_ProbeThenCompressedThenPlain_MatchesSpec()
    {
        // Arrange
        var expectCompressed = LargeRequest();
        expectCompressed.ExpectCompressed = new BoolValue { Value = true };
        var expectPlain = LargeRequest();
        expectPlain.ExpectCompressed = new BoolValue { Value = false };

        // Act
        var probe = await Assert.ThrowsExactlyAsync<RpcException>(
            () => s_channel.CallUnaryAsync(UnaryCall, expectCompressed, SimpleResponse.Parser, Timeout()));
        var compressed = await s_channel.CallUnaryAsync(
            UnaryCall, expectCompressed, SimpleResponse.Parser, Timeout() with { CompressRequest = true });
        var plain = await s_channel.CallUnaryAsync(UnaryCall, expectPlain, SimpleResponse.Parser, Timeout());

        // Assert
        Assert.AreEqual(StatusCode.InvalidArgument, probe.StatusCode);
        Assert.AreEqual(LargeResponseSize, compressed.Payload.Body.Length);
        Assert.AreEqual(LargeResponseSize, plain.Payload.Body.Length);
    }

    [TestMethod]
    public async Task ServerCompressedUnary_CompressedAndPlain_FlagMatchesRequest()
    {
        // Arrange
        var wantCompressed = LargeRequest();
        wantCompressed.ResponseCompressed = new BoolValue { Value = true };
        var wantPlain = LargeRequest();
        wantPlain.ResponseCompressed = new BoolValue { Value = false };

        // Act
        var compressed = await s_channel.CallUnaryWithMetadataAsync(UnaryCall, wantCompressed, SimpleResponse.Parser, Timeout());
        var plain = await s_channel.CallUnaryWithMetadataAsync(UnaryCall, wantPlain, SimpleResponse.Parser, Timeout());

        // Assert
        Assert.IsTrue(compressed.ResponseCompressed);
        Assert.IsFalse(plain.ResponseCompressed);
        Assert.AreEqual(LargeResponseSize, compressed.Response.Payload.Body.Length);
        Assert.AreEqual(LargeResponseSize, plain.Response.Payload.Body.Length);
    }

    [TestMethod]
    public async Task CustomMetadata_EchoKeys_ReturnedAsInitialAndTrailingMetadata()
    {
        // Arrange
        var headers = new Metadata()
            .Add("x-grpc-test-echo-initial", "test_initial_metadata_value")
            .Add("x-grpc-test-echo-trailing-bin", [0xab, 0xab, 0xab]);

        // Act
        var result = await s_channel.CallUnaryWithMetadataAsync(
            UnaryCall, LargeRequest(), SimpleResponse.Parser, Timeout() with { Headers = headers });

        // Assert
        Assert.AreEqual(LargeResponseSize, result.Response.Payload.Body.Length);
        Assert.AreEqual("test_initial_metadata_value", result.ResponseHeaders.GetValue("x-grpc-test-echo-initial"));
        CollectionAssert.AreEqual(new byte[] { 0xab, 0xab, 0xab }, result.Trailers.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [TestMethod]
    public async Task StatusCodeAndMessage_EchoStatus_ReturnsSentCodeAndMessage()
    {
        // Arrange
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" } };

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(
            () => s_channel.CallUnaryAsync(UnaryCall, request, SimpleResponse.Parser, Timeout()));

        // Assert
        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
        Assert.AreEqual("test status message", ex.Status.Detail);
    }

    [TestMethod]
    public async Task SpecialStatusMessage_WhitespaceAndUnicode_RoundTripsExactly()
    {
        // Arrange
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } };

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(
            () => s_channel.CallUnaryAsync(UnaryCall, request, SimpleResponse.Parser, Timeout()));

        // Assert
        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
        Assert.AreEqual(message, ex.Status.Detail);
    }

    [TestMethod]
    public async Task UnimplementedMethod_DeclaredButNotServed_ReturnsUnimplemented()
    {
        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(
            () => s_channel.CallUnaryAsync("/grpc.testing.TestService/UnimplementedCall", new Empty(), Empty.Parser, Timeout()));

        // Assert
        Assert.AreEqual(StatusCode.Unimplemented, ex.StatusCode);
    }

    [TestMethod]
    public async Task UnimplementedService_UnknownService_ReturnsUnimplemented()
    {
        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(
            () => s_channel.CallUnaryAsync("/grpc.testing.UnimplementedService/UnimplementedCall", new Empty(), Empty.Parser, Timeout()));

        // Assert
        Assert.AreEqual(StatusCode.Unimplemented, ex.StatusCode);
    }

    [TestMethod]
    public async Task TimeoutOnSleepingServer_ShortDeadline_ReturnsDeadlineExceeded()
    {
        // Arrange: the server sleeps 10 s before answering; the deadline is 300 ms.
        var headers = new Metadata().Add("x-test-sleep-ms", "10000");
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[27_182]) } };

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_channel.CallUnaryAsync(
            UnaryCall, request, SimpleResponse.Parser, new CallOptions(headers).WithTimeout(TimeSpan.FromMilliseconds(300))));

        // Assert
        Assert.AreEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [TestMethod]
    public async Task RpcSoak_50LargeUnaryCallsOnOneChannel_AllSucceed()
    {
        // Act
        var sizes = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var response = await s_channel.CallUnaryAsync(UnaryCall, LargeRequest(), SimpleResponse.Parser, Timeout());
            sizes.Add(response.Payload.Body.Length);
        }

        // Assert
        Assert.HasCount(50, sizes);
        Assert.IsTrue(sizes.TrueForAll(s => s == LargeResponseSize));
    }

    private static CallOptions Timeout() => new CallOptions().WithTimeout(TimeSpan.FromSeconds(30));

    private static SimpleRequest LargeRequest() => new()
    {
        ResponseSize = LargeResponseSize,
        Payload = new Payload { Body = ByteString.CopyFrom(new byte[LargeRequestSize]) },
    };
}
