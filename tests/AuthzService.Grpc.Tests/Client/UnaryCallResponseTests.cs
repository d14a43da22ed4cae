using System.Globalization;
using AuthzService.Grpc.Client;
using AuthzService.Grpc.Internal;
using Google.Protobuf;
using Grpc.Testing;
using Microsoft.AspNetCore.Http;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>C3: how the client turns what a server wrote into a response or a status.</summary>
[TestClass]
public sealed class UnaryCallResponseTests
{
    private const string Method = "/grpc.testing.TestService/UnaryCall";

    private static SimpleRequest Request => new() { ResponseSize = 3 };

    private static SimpleResponse Response => new() { Payload = new Payload { Body = ByteString.CopyFromUtf8("abc") } };

    [TestMethod]
    public async Task CallUnaryAsync_MessageAndOkTrailers_ReturnsResponseAndSendsProtocolHeaders()
    {
        // Arrange
        IHeaderDictionary? seen = null;
        string? protocol = null;
        string? method = null;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            seen = ctx.Request.Headers;
            protocol = ctx.Request.Protocol;
            method = ctx.Request.Method;
            ctx.Response.Headers["x-initial"] = "hello";
            await GrpcWire.WriteOkAsync(ctx, Response);
            ctx.Response.AppendTrailer("x-trailing", "bye");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var result = await channel.CallUnaryWithMetadataAsync(Method, Request, SimpleResponse.Parser);

        // Assert
        Assert.AreEqual(Response, result.Response);
        Assert.AreEqual("hello", result.ResponseHeaders.GetValue("x-initial"));
        Assert.AreEqual("bye", result.Trailers.GetValue("x-trailing"));
        Assert.IsNull(result.Trailers.GetValue("grpc-status"));
        Assert.IsFalse(result.ResponseCompressed);
        Assert.AreEqual("HTTP/2", protocol);
        Assert.AreEqual("POST", method);
        Assert.IsNotNull(seen);
        Assert.AreEqual("application/grpc", seen.ContentType.ToString());
        Assert.AreEqual("trailers", seen["te"].ToString());
        Assert.AreEqual("authz-service-grpc/1.0", seen.UserAgent.ToString());
        Assert.Contains("gzip", seen["grpc-accept-encoding"].ToString());
        Assert.IsFalse(seen.ContainsKey("grpc-timeout"));
    }

    [TestMethod]
    public async Task CallUnaryAsync_ErrorStatusInTrailers_ThrowsRpcExceptionWithTrailers()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.StartAsync();
            ctx.Response.AppendTrailer("grpc-status", "7");
            ctx.Response.AppendTrailer("grpc-message", "no access");
            ctx.Response.AppendTrailer("x-reason", "policy");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.AreEqual("no access", ex.Status.Detail);
        Assert.AreEqual("policy", ex.Trailers.GetValue("x-reason"));
    }

    [TestMethod]
    public async Task CallUnaryAsync_TrailersOnlyResponse_ThrowsStatusFromHeaders()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            ctx.Response.Headers["x-detail"] = "only-headers";
            await GrpcWire.WriteTrailersOnlyAsync(ctx, StatusCode.NotFound, "missing");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.NotFound, ex.StatusCode);
        Assert.AreEqual("missing", ex.Status.Detail);
        Assert.AreEqual("only-headers", ex.Trailers.GetValue("x-detail"));
    }

    [TestMethod]
    public async Task CallUnaryAsync_PercentEncodedGrpcMessage_DecodesExactly()
    {
        // Arrange
        const string detail = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%";
        await using var server = await HandBuiltServer.StartAsync(ctx => GrpcWire.WriteTrailersOnlyAsync(ctx, StatusCode.Unknown, detail));
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
        Assert.AreEqual(detail, ex.Status.Detail);
    }

    [TestMethod]
    [DataRow(400, StatusCode.Internal)]
    [DataRow(401, StatusCode.Unauthenticated)]
    [DataRow(403, StatusCode.PermissionDenied)]
    [DataRow(404, StatusCode.Unimplemented)]
    [DataRow(429, StatusCode.Unavailable)]
    [DataRow(502, StatusCode.Unavailable)]
    [DataRow(503, StatusCode.Unavailable)]
    [DataRow(504, StatusCode.Unavailable)]
    [DataRow(500, StatusCode.Unknown)]
    [DataRow(418, StatusCode.Unknown)]
    public async Task CallUnaryAsync_HttpErrorWithoutGrpcStatus_MapsHttpStatus(int httpStatus, StatusCode expected)
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.StatusCode = httpStatus;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("proxy says no");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(expected, ex.StatusCode);
        Assert.Contains(httpStatus.ToString(CultureInfo.InvariantCulture), ex.Status.Detail);
    }

    [TestMethod]
    public async Task CallUnaryAsync_200WithNonGrpcContentType_ThrowsUnknown()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("<html>login</html>");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unknown, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_OkStatusWithoutMessage_ThrowsInternal()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.StartAsync();
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_TwoResponseMessages_ThrowsInternal()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(Response));
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(Response));
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_MessageArrivesOneByteAtATime_ReassemblesMessage()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            foreach (var b in GrpcWire.Frame(Response))
            {
                await ctx.Response.Body.WriteAsync(new[] { b });
                await ctx.Response.Body.FlushAsync();
            }

            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var response = await channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser);

        // Assert
        Assert.AreEqual(Response, response);
    }

    [TestMethod]
    public async Task CallUnaryAsync_GzipResponse_DecompressesMessage()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            ctx.Response.Headers["grpc-encoding"] = "gzip";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(Response, compress: true));
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var result = await channel.CallUnaryWithMetadataAsync(Method, Request, SimpleResponse.Parser);

        // Assert
        Assert.AreEqual(Response, result.Response);
        Assert.IsTrue(result.ResponseCompressed);
    }

    [TestMethod]
    public async Task CallUnaryAsync_CompressedFlagWithoutEncoding_ThrowsInternal()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(Response, compress: true));
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_CompressRequest_SendsGzipFlaggedMessage()
    {
        // Arrange
        string? encoding = null;
        var compressed = false;
        SimpleRequest? received = null;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            encoding = ctx.Request.Headers["grpc-encoding"];
            (var payload, compressed) = await GrpcWire.ReadRequestAsync(ctx);
            received = SimpleRequest.Parser.ParseFrom(payload);
            await GrpcWire.WriteOkAsync(ctx, Response);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[10_000]) } };

        // Act
        await channel.CallUnaryAsync(Method, request, SimpleResponse.Parser, new CallOptions { CompressRequest = true });

        // Assert
        Assert.AreEqual("gzip", encoding);
        Assert.IsTrue(compressed);
        Assert.AreEqual(request, received);
    }

    [TestMethod]
    public async Task CallUnaryAsync_BinaryMetadata_Base64EncodedBothWays()
    {
        // Arrange
        byte[] sent = [0x00, 0xAB, 0xFF, 0x10];
        string? wireValue = null;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            wireValue = ctx.Request.Headers["x-data-bin"];
            ctx.Response.Headers["x-echo-bin"] = wireValue;
            await GrpcWire.WriteOkAsync(ctx, Response);
            // Padded base64 from the server must be accepted too.
            ctx.Response.AppendTrailer("x-trail-bin", Convert.ToBase64String([0xAB, 0xAB, 0xAB, 0x01]));
            ctx.Response.AppendTrailer("x-text", "plain");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var headers = new Metadata().Add("x-data-bin", sent).Add("x-plain", "v");

        // Act
        var result = await channel.CallUnaryWithMetadataAsync(Method, Request, SimpleResponse.Parser, new CallOptions(headers));

        // Assert
        Assert.AreEqual(MetadataEncoding.EncodeBinary(sent), wireValue);
        CollectionAssert.AreEqual(sent, result.ResponseHeaders.GetValueBytes("x-echo-bin"));
        CollectionAssert.AreEqual(new byte[] { 0xAB, 0xAB, 0xAB, 0x01 }, result.Trailers.GetValueBytes("x-trail-bin"));
        Assert.AreEqual("plain", result.Trailers.GetValue("x-text"));
    }

    [TestMethod]
    public async Task CallUnaryAsync_ReservedRequestMetadataKey_ThrowsArgumentException()
    {
        // Arrange
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        var headers = new Metadata().Add("grpc-timeout", "1S");

        // Act + Assert
        await Assert.ThrowsExactlyAsync<ArgumentException>(
            () => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser, new CallOptions(headers)));
    }

    [TestMethod]
    public async Task CallUnaryAsync_ResponseAboveMaxReceiveSize_ThrowsResourceExhausted()
    {
        // Arrange
        var big = new SimpleResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[2048]) } };
        await using var server = await HandBuiltServer.StartAsync(ctx => GrpcWire.WriteOkAsync(ctx, big));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, Request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_RequestAboveMaxSendSize_ThrowsResourceExhaustedWithoutSending()
    {
        // Arrange
        var calls = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref calls);
            return GrpcWire.WriteOkAsync(ctx, Response);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[200]) } };

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, request, SimpleResponse.Parser));

        // Assert
        Assert.AreEqual(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.AreEqual(0, calls);
    }
}
