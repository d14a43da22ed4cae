using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AuthzService.Grpc.Internal;
using Google.Protobuf;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Hand-built gRPC requests over raw HTTP/2, so tests control every byte the server sees.</summary>
public static class GrpcWire
{
    public static byte[] Frame(IMessage message, bool compress = false) => MessageFraming.Frame(message.ToByteArray(), compress);

    /// <summary>A header declaring <paramref name="length"/> bytes, with no payload behind it.</summary>
    public static byte[] Header(uint length, byte flag = 0)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static HttpRequestMessage Request(string path, HttpContent content, string? contentType = "application/grpc")
    {
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    public static HttpRequestMessage Request(string path, byte[] body, string? contentType = "application/grpc") =>
        Request(path, new ByteArrayContent(body), contentType);

    public static async Task<GrpcCallResult> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return GrpcCallResult.From(response, body);
    }

    /// <summary>A plain, valid unary call: the check that the server still answers after each bad request.</summary>
    public static async Task<GrpcCallResult> EmptyCallAsync(HttpClient client) =>
        await SendAsync(client, Request("/grpc.testing.TestService/EmptyCall", Frame(new global::Grpc.Testing.Empty())));
}
