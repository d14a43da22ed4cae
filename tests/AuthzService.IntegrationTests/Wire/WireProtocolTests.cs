using System.Net;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Service;
using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Testing;
using static AuthzService.IntegrationTests.Wire.WireService;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// What a gRPC call is, and what happens to malformed ones, against the real service over raw HTTP/2 (rules S1-S8
/// of docs/grpc.md; where Grpc.AspNetCore answers otherwise than our own layer did, that page says which answer the
/// gRPC spec supports). After every bad request: CheckResources' handler never ran and the connection still serves.
/// </summary>
[TestClass]
public sealed class WireProtocolTests
{
    private const int Limit = 4 * 1024 * 1024;
    private static AuthzServiceInstance s_service = null!;
    private static GuardedLoads s_loads = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        (s_service, s_loads) = await WireService.StartAsync("wire_protocol", context);
        s_client = GrpcWire.Client(s_service.Address);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_service.DisposeAsync();
    }

    private static byte[] ValidCheck => GrpcWire.Frame(AuthzApi.Check(GuardedTenant, "alice", "document", "read"));

    [TestMethod]
    [DataRow("application/json")]
    [DataRow("text/plain")]
    [DataRow("application/grpcweb")]
    [DataRow(null)]
    public async Task Call_NonGrpcContentType_Returns415(string? contentType)
    {
        // Act
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, ValidCheck, contentType));

        // Assert
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, result.HttpStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow("application/grpc")]
    [DataRow("application/grpc+proto")]
    [DataRow("application/grpc;charset=utf-8")]
    public async Task Call_GrpcContentTypeVariant_Succeeds(string contentType)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(HealthPath, GrpcWire.Frame(new HealthCheckRequest()), contentType));

        Assert.AreEqual(HttpStatusCode.OK, result.HttpStatus);
        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
    }

    [TestMethod]
    public async Task Call_GetInsteadOfPost_Http404()
    {
        // Not a gRPC call (gRPC is POST). Grpc.AspNetCore's routes do not match it: 404, where our layer said 405.
        using var request = new HttpRequestMessage(HttpMethod.Get, CheckPath) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await s_client.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow("/authz.v1.NoSuchService/CheckResources", "Service is unimplemented.")]
    [DataRow("/authz.v1.AuthorizationService/NoSuchMethod", "Method is unimplemented.")]
    [DataRow("/authz.v1.authorizationservice/CheckResources", "Method is unimplemented.", DisplayName = "service name in another case")]
    [DataRow("/authz.v1.AuthorizationService/checkResources", "Method is unimplemented.", DisplayName = "method name in another case")]
    [DataRow("/authz.v1.AuthorizationService/CheckResources/", "Method is unimplemented.", DisplayName = "trailing slash")]
    public async Task Call_UnknownServiceOrMethod_TrailersOnlyUnimplemented(string path, string message)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(path, ValidCheck));

        Assert.AreEqual(HttpStatusCode.OK, result.HttpStatus);
        Assert.IsTrue(result.TrailersOnly, "expected the status in the only HEADERS frame: " + result);
        Assert.AreEqual(12, result.GrpcStatus);
        Assert.AreEqual(message, result.GrpcMessage);
        Assert.AreEqual("application/grpc", result.Headers["content-type"]);
        Assert.IsEmpty(result.Messages);
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow("/")]
    [DataRow("/authz.v1.AuthorizationService")]
    public async Task Call_PathWithoutServiceAndMethod_Http404(string path)
    {
        // Not /Service/Method at all: no gRPC endpoint matches, and HTTP 404 is what gRPC clients map to UNIMPLEMENTED.
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(path, ValidCheck));

        Assert.AreEqual(HttpStatusCode.NotFound, result.HttpStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Call_Success_StatusZeroInTrailersAfterTheMessage()
    {
        var result = await HealthCheckAsync();

        Assert.IsFalse(result.Headers.ContainsKey("grpc-status"), "status belongs in trailers after a message");
        Assert.AreEqual("0", result.Trailers["grpc-status"]);
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, result.SingleMessage(HealthCheckResponse.Parser).Status);
    }

    [TestMethod]
    public async Task Call_ErrorStatus_MessagePercentEncodedAsUtf8()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 7, Message = "denied: 100% sure ✓ 😈" } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(request)));

        Assert.AreEqual(7, result.GrpcStatus);
        Assert.AreEqual("denied: 100%25 sure %E2%9C%93 %F0%9F%98%88", result.RawGrpcMessage);
        Assert.AreEqual("denied: 100% sure ✓ 😈", result.GrpcMessage);
    }

    [TestMethod]
    public async Task Unary_MessageSentOneByteAtATime_Succeeds()
    {
        var request = new SimpleRequest { ResponseSize = 10, Payload = new Payload { Body = ByteString.CopyFrom(new byte[100]) } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, new OneByteAtATimeContent(GrpcWire.Frame(request))));

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        Assert.AreEqual(10, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    public async Task CheckResources_SentOneByteAtATime_Answered()
    {
        // The real method, byte by byte: an unknown tenant is denied without asking Cerbos.
        var request = AuthzApi.Check(AuthzApi.Unique("nobody"), "alice", "document", "read");

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, new OneByteAtATimeContent(GrpcWire.Frame(request))));

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        Assert.AreEqual(Effect.Deny, result.SingleMessage(CheckResourcesResponse.Parser).Results[0].Actions["read"]);
    }

    [TestMethod]
    [DataRow(0, DisplayName = "no message")]
    [DataRow(2, DisplayName = "two messages in one DATA frame")]
    [DataRow(3, DisplayName = "three messages")]
    public async Task Unary_WrongMessageCount_InternalWithoutInvokingHandler(int messages)
    {
        var body = GrpcWire.Concat([.. Enumerable.Repeat(ValidCheck, messages)]);

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, body));

        // gRPC's doc/statuscodes.md files a request cardinality violation under UNIMPLEMENTED; Grpc.AspNetCore
        // answers INTERNAL (docs/grpc.md, S6). Either way the call fails before the handler.
        Assert.AreEqual(13, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Unary_MessageThenTruncatedSecond_InternalWithoutInvokingHandler()
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, GrpcWire.Concat(ValidCheck, [0, 0])));

        Assert.AreEqual(13, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow(new byte[] { 0, 0, 0 }, 13, DisplayName = "truncated header")]
    [DataRow(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 }, 13, DisplayName = "truncated payload")]
    [DataRow(new byte[] { 2, 0, 0, 0, 0 }, 2, DisplayName = "invalid compressed flag (UNKNOWN; INTERNAL in our layer, see docs/grpc.md)")]
    [DataRow(new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF }, 2, DisplayName = "unparseable payload (UNKNOWN; the spec says INTERNAL, see docs/grpc.md)")]
    public async Task Unary_MalformedMessage_FailsWithoutInvokingHandler(byte[] body, int expectedStatus)
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, body));

        Assert.AreEqual(expectedStatus, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow(Limit + 1u, 8, DisplayName = "one byte above the limit")]
    [DataRow(0x7FFFFFFFu, 8, DisplayName = "int.MaxValue")]
    [DataRow(0x80000000u, 2, DisplayName = "2^31 (UNKNOWN; the spec says RESOURCE_EXHAUSTED, see docs/grpc.md)")]
    [DataRow(0xFFFFFFFFu, 2, DisplayName = "0xFFFFFFFF (UNKNOWN; the spec says RESOURCE_EXHAUSTED, see docs/grpc.md)")]
    public async Task Unary_DeclaredLengthAboveLimit_RefusedOnTheHeaderAloneAndConnectionServes(uint declared, int expectedStatus)
    {
        // Only the 5-byte header is sent: the service must refuse on the declared length, allocating nothing for it.
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(CheckPath, GrpcWire.Header(declared)));

        Assert.AreEqual(expectedStatus, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Unary_MessageAboveLimitFullySent_ResourceExhausted()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[Limit + 1024]) } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(request)));

        Assert.AreEqual(8, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Unary_MessageJustBelowLimit_Succeeds()
    {
        var request = new SimpleRequest { ResponseSize = 1, Payload = new Payload { Body = ByteString.CopyFrom(new byte[Limit - 1024]) } };

        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(request)));

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
    }

    [TestMethod]
    public async Task Unary_GzipRequest_DecompressedAndSeenAsCompressed()
    {
        // expect_compressed makes the handler fail unless the message arrived compressed.
        var request = new SimpleRequest { ExpectCompressed = new BoolValue { Value = true }, ResponseSize = 5, Payload = new Payload { Body = ByteString.CopyFrom(new byte[1000]) } };
        var message = GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(request, compress: true));
        message.Headers.Add("grpc-encoding", "gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        Assert.AreEqual(5, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("identity")]
    public async Task Unary_CompressedFlagWithoutEncoding_Internal(string? encoding)
    {
        var message = GrpcWire.Request(CheckPath, GrpcWire.Frame(AuthzApi.Check(GuardedTenant, "alice", "document", "read"), compress: true));
        if (encoding is not null)
        {
            message.Headers.Add("grpc-encoding", encoding);
        }

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(13, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow("br")]
    [DataRow("deflate")]
    [DataRow("snappy")]
    public async Task Unary_UnsupportedEncoding_UnimplementedListingSupported(string encoding)
    {
        var message = GrpcWire.Request(CheckPath, GrpcWire.Frame(AuthzApi.Check(GuardedTenant, "alice", "document", "read"), compress: true));
        message.Headers.Add("grpc-encoding", encoding);

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(12, result.GrpcStatus, result.ToString());
        StringAssert.Contains(result.Headers["grpc-accept-encoding"], "gzip");
        Assert.DoesNotContain(encoding, result.Headers["grpc-accept-encoding"]);
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Unary_GzipBomb_ResourceExhaustedWithoutInflatingIt()
    {
        // 512 MiB of zeros compress to ~0.5 MiB: small on the wire, far above the 4 MiB limit once inflated. The
        // service runs in this process, so what it allocates on the way shows whether it inflated the bomb.
        var bomb = GzipOfZeros(512);
        var message = GrpcWire.Request(CheckPath, GrpcWire.Concat(GrpcWire.Header((uint)bomb.Length, flag: 1), bomb));
        message.Headers.Add("grpc-encoding", "gzip");
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var result = await GrpcWire.SendAsync(s_client, message);

        var allocatedMiB = (GC.GetTotalAllocatedBytes(precise: true) - before) / (1024 * 1024);
        Assert.AreEqual(8, result.GrpcStatus, result.ToString());
        Assert.IsLessThan(128L, allocatedMiB, "inflating stops at the limit; the whole bomb would be 512 MiB and more");
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    public async Task Unary_CorruptGzip_Internal()
    {
        byte[] garbage = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad];
        var message = GrpcWire.Request(CheckPath, GrpcWire.Concat(GrpcWire.Header((uint)garbage.Length, flag: 1), garbage));
        message.Headers.Add("grpc-encoding", "gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(13, result.GrpcStatus, result.ToString());
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public async Task Unary_ResponseCompressionRequested_FlagSetOnlyWhenAsked(bool compress)
    {
        var request = new SimpleRequest { ResponseSize = 1000, ResponseCompressed = new BoolValue { Value = compress } };
        var message = GrpcWire.Request(UnaryCallPath, GrpcWire.Frame(request));
        message.Headers.Add("grpc-accept-encoding", "identity,gzip");

        var result = await GrpcWire.SendAsync(s_client, message);

        Assert.AreEqual(0, result.GrpcStatus, result.ToString());
        Assert.AreEqual(compress, result.Messages[0].Compressed);
        Assert.AreEqual(compress ? "gzip" : null, result.Headers.GetValueOrDefault("grpc-encoding"));
        Assert.AreEqual(1000, result.SingleMessage(SimpleResponse.Parser).Payload.Body.Length);
    }

    [TestMethod]
    public async Task Call_Http11_RefusedAndServiceStillServes()
    {
        // The gRPC listener speaks HTTP/2 only (prior knowledge on h2c): an HTTP/1.1 request never becomes a call.
        using var http11 = new HttpClient { BaseAddress = s_service.Address, Timeout = TimeSpan.FromSeconds(30) };
        var request = GrpcWire.Request(CheckPath, ValidCheck);
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        request.Headers.Remove("te");

        HttpStatusCode? status = null;
        try
        {
            using var response = await http11.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Refused at the connection: Kestrel's HTTP/2-only endpoint does not answer HTTP/1.1.
        }

        Assert.AreNotEqual(HttpStatusCode.OK, status);
        await AssertHandlerNotInvokedAndConnectionServesAsync();
    }

    private static byte[] GzipOfZeros(int mebibytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < mebibytes; i++)
            {
                gzip.Write(zeros);
            }
        }

        return output.ToArray();
    }

    private static Task<GrpcCallResult> HealthCheckAsync() =>
        GrpcWire.SendAsync(s_client, GrpcWire.Request(HealthPath, GrpcWire.Frame(new HealthCheckRequest())));

    private static async Task AssertHandlerNotInvokedAndConnectionServesAsync()
    {
        Assert.AreEqual(0, s_loads.Count, "a bad request must never reach the handler");
        Assert.AreEqual(0, (await HealthCheckAsync()).GrpcStatus, "the connection must still serve a normal call");
    }
}
