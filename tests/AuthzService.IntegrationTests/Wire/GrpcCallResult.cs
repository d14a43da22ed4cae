using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>What came back from a raw call: HTTP status, headers, framed messages and the gRPC status.</summary>
public sealed class GrpcCallResult
{
    public required HttpStatusCode HttpStatus { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    public required Dictionary<string, string> Trailers { get; init; }

    public required IReadOnlyList<(bool Compressed, byte[] Payload)> Messages { get; init; }

    /// <summary>The status came in the only HEADERS frame (no body, no trailers).</summary>
    public bool TrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0;

    public int? GrpcStatus => Get("grpc-status") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The decoded grpc-message (percent-encoded UTF-8 on the wire).</summary>
    public string? GrpcMessage => Get("grpc-message") is { } m ? Uri.UnescapeDataString(m) : null;

    public string? RawGrpcMessage => Get("grpc-message");

    /// <summary>A status or metadata value from the trailers, or from the headers of a trailers-only response.</summary>
    public string? Get(string key) =>
        Trailers.TryGetValue(key, out var t) ? t : TrailersOnly && Headers.TryGetValue(key, out var h) ? h : null;

    public T SingleMessage<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        Assert.HasCount(1, Messages, "expected exactly one response message");
        return parser.ParseFrom(Messages[0].Payload);
    }

    public override string ToString() =>
        $"HTTP {(int)HttpStatus}, grpc-status {GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} ({GrpcMessage}), {Messages.Count} message(s)";

    public static GrpcCallResult From(HttpResponseMessage response, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(body);
        var messages = new List<(bool, byte[])>();
        var offset = 0;
        while (offset + 5 <= body.Length)
        {
            var compressed = body[offset] == 1;
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            var payload = body.AsSpan(offset + 5, length).ToArray();
            messages.Add((compressed, compressed ? GrpcWire.Gunzip(payload) : payload));
            offset += 5 + length;
        }

        Assert.AreEqual(body.Length, offset, "response body must hold whole messages only");
        return new GrpcCallResult
        {
            HttpStatus = response.StatusCode,
            Headers = Flatten(response.Headers.Concat(response.Content.Headers)),
            Trailers = Flatten(response.TrailingHeaders),
            Messages = messages,
        };
    }

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
}
