using System.Collections.Concurrent;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using AuthzService.Tls;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// Our client stack against @grpc/grpc-js's server: the unary cases of gRPC doc/interop-test-descriptions.md.
/// The client is Grpc.Net.Client with the generated stubs, over TLS through AuthzService.Tls's transport (as the
/// Cerbos adapter and the client library use it). One Node server (h2c and TLS) serves the whole class.
/// (Moved from AuthzService.Grpc.Tests, where the client was our own protocol layer.)
/// </summary>
[TestClass]
public sealed class NodeServerInteropTests
{
    private const int LargeRequestSize = 271_828;
    private const int LargeResponseSize = 314_159;

    private static TempDirectory s_dir = null!;
    private static TestCertificates s_ca = null!;
    private static NodeTestServer s_server = null!;
    private static GrpcChannel s_channel = null!;
    private static GrpcChannel s_tlsChannel = null!;
    private static CompressedFlagRecorder s_recorder = null!;
    private static GrpcChannel s_recordingChannel = null!;

    [ClassInitialize]
    public static async Task ClassInitialize(TestContext context)
    {
        s_dir = new TempDirectory("authz-node-interop-");
        s_ca = new TestCertificates();
        using var serverCertificate = s_ca.IssueServer();
        var (cert, key) = TestCertificates.WritePem(serverCertificate, s_dir.Path, "server");
        s_server = await NodeTestServer.StartAsync(cert, key);
        s_channel = GrpcChannel.ForAddress($"http://127.0.0.1:{s_server.Port}");
        s_tlsChannel = TestChannels.ForAddress(new Uri($"https://localhost:{s_server.TlsPort}"), s_ca.Ca);
        s_recorder = new CompressedFlagRecorder(new SocketsHttpHandler());
        s_recordingChannel = GrpcChannel.ForAddress(
            $"http://127.0.0.1:{s_server.Port}", new GrpcChannelOptions { HttpHandler = s_recorder, DisposeHttpClient = true });
    }

    [ClassCleanup]
    public static async Task ClassCleanup()
    {
        s_channel?.Dispose();
        s_tlsChannel?.Dispose();
        s_recordingChannel?.Dispose();
        if (s_server is not null)
        {
            await s_server.DisposeAsync();
        }

        s_ca?.Dispose();
        s_dir?.Dispose();
    }

    private static TestService.TestServiceClient Client(GrpcChannel? channel = null) => new(channel ?? s_channel);

    [TestMethod]
    public async Task EmptyUnary_EmptyRequest_ReturnsEmptyResponse()
    {
        var response = await Client().EmptyCallAsync(new Empty(), deadline: Deadline());

        Assert.AreEqual(new Empty(), response);
    }

    [TestMethod]
    public async Task EmptyUnary_OverTlsWithPinnedCa_ReturnsEmptyResponse()
    {
        var response = await Client(s_tlsChannel).EmptyCallAsync(new Empty(), deadline: Deadline());

        Assert.AreEqual(new Empty(), response);
    }

    [TestMethod]
    public async Task EmptyUnary_OverTlsServerCaNotTrusted_UnavailableWithoutACall()
    {
        // The system store does not know the test CA: the handshake fails, the call never reaches the server.
        using var channel = TlsChannel(new TlsClientOptions());

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await Client(channel).EmptyCallAsync(new Empty(), deadline: Deadline()));

        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
    }

    [TestMethod]
    public async Task EmptyUnary_OverTlsWithVerificationOff_AcceptsTheUntrustedServer()
    {
        using var channel = TlsChannel(new TlsClientOptions { VerifyServerCertificate = false });

        var response = await Client(channel).EmptyCallAsync(new Empty(), deadline: Deadline());

        Assert.AreEqual(new Empty(), response);
    }

    [TestMethod]
    public async Task LargeUnary_LargePayloads_ReturnsRequestedSize()
    {
        var response = await Client().UnaryCallAsync(LargeRequest(), deadline: Deadline());

        Assert.AreEqual(LargeResponseSize, response.Payload.Body.Length);
        Assert.IsLessThan(0, response.Payload.Body.Span.IndexOfAnyExcept((byte)0));
    }

    [TestMethod]
    public async Task ClientCompressedUnary_ProbeThenCompressedThenPlain_MatchesSpec()
    {
        var expectCompressed = LargeRequest();
        expectCompressed.ExpectCompressed = new BoolValue { Value = true };
        var expectPlain = LargeRequest();
        expectPlain.ExpectCompressed = new BoolValue { Value = false };

        // The probe: a request claiming compression but sent plain is refused by the server.
        var probe = await Assert.ThrowsExactlyAsync<RpcException>(async () => await Client().UnaryCallAsync(expectCompressed, deadline: Deadline()));
        var compressed = await Client().UnaryCallAsync(
            expectCompressed, new Metadata { { "grpc-internal-encoding-request", "gzip" } }, Deadline());
        var plain = await Client().UnaryCallAsync(expectPlain, deadline: Deadline());

        Assert.AreEqual(StatusCode.InvalidArgument, probe.StatusCode);
        Assert.AreEqual(LargeResponseSize, compressed.Payload.Body.Length);
        Assert.AreEqual(LargeResponseSize, plain.Payload.Body.Length);
    }

    [TestMethod]
    public async Task ServerCompressedUnary_CompressedAndPlain_FlagMatchesRequest()
    {
        var wantCompressed = LargeRequest();
        wantCompressed.ResponseCompressed = new BoolValue { Value = true };
        var wantPlain = LargeRequest();
        wantPlain.ResponseCompressed = new BoolValue { Value = false };

        var compressed = await Client(s_recordingChannel).UnaryCallAsync(wantCompressed, deadline: Deadline());
        var compressedFlag = s_recorder.Take();
        var plain = await Client(s_recordingChannel).UnaryCallAsync(wantPlain, deadline: Deadline());
        var plainFlag = s_recorder.Take();

        Assert.IsTrue(compressedFlag, "the response message carried the compressed flag");
        Assert.IsFalse(plainFlag);
        Assert.AreEqual(LargeResponseSize, compressed.Payload.Body.Length);
        Assert.AreEqual(LargeResponseSize, plain.Payload.Body.Length);
    }

    [TestMethod]
    public async Task CustomMetadata_EchoKeys_ReturnedAsInitialAndTrailingMetadata()
    {
        var headers = new Metadata
        {
            { "x-grpc-test-echo-initial", "test_initial_metadata_value" },
            { "x-grpc-test-echo-trailing-bin", new byte[] { 0xab, 0xab, 0xab } },
        };

        using var call = Client().UnaryCallAsync(LargeRequest(), headers, Deadline());
        var response = await call.ResponseAsync;
        var responseHeaders = await call.ResponseHeadersAsync;

        Assert.AreEqual(LargeResponseSize, response.Payload.Body.Length);
        Assert.AreEqual("test_initial_metadata_value", responseHeaders.GetValue("x-grpc-test-echo-initial"));
        CollectionAssert.AreEqual(new byte[] { 0xab, 0xab, 0xab }, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [TestMethod]
    public async Task StatusCodeAndMessage_EchoStatus_ReturnsSentCodeAndMessage()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" } };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await Client().UnaryCallAsync(request, deadline: Deadline()));

        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
        Assert.AreEqual("test status message", ex.Status.Detail);
    }

    [TestMethod]
    public async Task SpecialStatusMessage_WhitespaceAndUnicode_RoundTripsExactly()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await Client().UnaryCallAsync(request, deadline: Deadline()));

        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
        Assert.AreEqual(message, ex.Status.Detail);
    }

    [TestMethod]
    public async Task UnimplementedMethod_DeclaredButNotServed_ReturnsUnimplemented()
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await Client().UnimplementedCallAsync(new Empty(), deadline: Deadline()));

        Assert.AreEqual(StatusCode.Unimplemented, ex.StatusCode);
    }

    [TestMethod]
    public async Task UnimplementedService_UnknownService_ReturnsUnimplemented()
    {
        var client = new UnimplementedService.UnimplementedServiceClient(s_channel);

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(async () => await client.UnimplementedCallAsync(new Empty(), deadline: Deadline()));

        Assert.AreEqual(StatusCode.Unimplemented, ex.StatusCode);
    }

    [TestMethod]
    public async Task TimeoutOnSleepingServer_ShortDeadline_ReturnsDeadlineExceeded()
    {
        // The server sleeps 10 s before answering; the deadline is 300 ms.
        var headers = new Metadata { { "x-test-sleep-ms", "10000" } };
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[27_182]) } };

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(
            async () => await Client().UnaryCallAsync(request, headers, DateTime.UtcNow.AddMilliseconds(300)));

        Assert.AreEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [TestMethod]
    public async Task RpcSoak_50LargeUnaryCallsOnOneChannel_AllSucceed()
    {
        var sizes = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var response = await Client().UnaryCallAsync(LargeRequest(), deadline: Deadline());
            sizes.Add(response.Payload.Body.Length);
        }

        Assert.HasCount(50, sizes);
        Assert.IsTrue(sizes.TrueForAll(s => s == LargeResponseSize));
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    private static GrpcChannel TlsChannel(TlsClientOptions options)
    {
        var address = new Uri($"https://localhost:{s_server.TlsPort}");
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new TlsClientHandler(address, options, NullLogger.Instance),
            DisposeHttpClient = true,
        });
    }

    private static SimpleRequest LargeRequest() => new()
    {
        ResponseSize = LargeResponseSize,
        Payload = new Payload { Body = ByteString.CopyFrom(new byte[LargeRequestSize]) },
    };

    /// <summary>
    /// Records the compressed flag of each response's first message as it comes off the wire (Grpc.Net.Client
    /// decompresses without telling).
    /// </summary>
    private sealed class CompressedFlagRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly ConcurrentQueue<bool> _flags = new();

        public bool Take() => _flags.TryDequeue(out var flag) ? flag : throw new InvalidOperationException("no response message was read");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var recorded = new StreamContent(new FirstByteStream(body, first => _flags.Enqueue(first != 0)));
            foreach (var header in response.Content.Headers)
            {
                recorded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = recorded;
            return response;
        }
    }

    private sealed class FirstByteStream(Stream inner, Action<byte> onFirstByte) : Stream
    {
        private bool _seen;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Observe(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Observe(buffer.AsSpan(offset, read));
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Observe(ReadOnlySpan<byte> read)
        {
            if (!_seen && read.Length > 0)
            {
                _seen = true;
                onFirstByte(read[0]);
            }
        }
    }
}
