using System.IO.Compression;
using AuthzService.Grpc.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>Hand-written gRPC response pieces for <see cref="HandBuiltServer"/> handlers.</summary>
internal static class GrpcWire
{
    public static byte[] Frame(IMessage message, bool compress = false) => MessageFraming.Frame(message.ToByteArray(), compress);

    /// <summary>Reads the whole request body and returns its first message payload (decompressed if flagged).</summary>
    public static async Task<(byte[] Payload, bool Compressed)> ReadRequestAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var bytes = buffer.ToArray();
        var compressed = bytes[0] == 1;
        var payload = bytes.AsSpan(GrpcProtocolConstants.HeaderSize).ToArray();
        if (compressed)
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var output = new MemoryStream();
            await gzip.CopyToAsync(output);
            payload = output.ToArray();
        }

        return (payload, compressed);
    }

    /// <summary>A normal response: headers, one message, <c>grpc-status: 0</c> in trailers.</summary>
    public static async Task WriteOkAsync(HttpContext context, IMessage message)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(Frame(message), context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>A trailers-only response: the status in the single HEADERS frame.</summary>
    public static async Task WriteTrailersOnlyAsync(HttpContext context, StatusCode code, string? message = null)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (message is not null)
        {
            context.Response.Headers["grpc-message"] = PercentEncoding.Encode(message);
        }
    }
}
