using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// Hand-built gRPC requests over raw HTTP/2, so tests control every byte the service sees (the framing here is
/// the test's own, independent of any gRPC library).
/// </summary>
public static class GrpcWire
{
    public static byte[] Frame(IMessage message, bool compress = false)
    {
        var payload = message.ToByteArray();
        if (compress)
        {
            payload = Gzip(payload);
        }

        return Concat(Header((uint)payload.Length, compress ? (byte)1 : (byte)0), payload);
    }

    /// <summary>A header declaring <paramref name="length"/> bytes, with no payload behind it.</summary>
    public static byte[] Header(uint length, byte flag = 0)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

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
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return GrpcCallResult.From(response, body);
    }

    /// <summary>An h2c client of <paramref name="address"/> that keeps one connection (so "still usable" means it).</summary>
    public static HttpClient Client(Uri address) =>
        new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
}
