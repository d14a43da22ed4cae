using System.Buffers.Binary;
using System.IO.Compression;

namespace AuthzService.Grpc.Internal;

/// <summary>
/// Length-prefixed message framing: 1 byte compressed flag, 4 bytes big-endian length, payload.
/// Reads never trust the declared length for allocation beyond the configured limit.
/// </summary>
internal static class MessageFraming
{
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Frames a payload, gzip-compressing it when <paramref name="compress"/> is set.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compress)
    {
        if (compress)
        {
            var compressed = Gzip(payload);
            var framed = new byte[GrpcProtocolConstants.HeaderSize + compressed.Length];
            WriteHeader(framed, compressed: true, compressed.Length);
            compressed.CopyTo(framed, GrpcProtocolConstants.HeaderSize);
            return framed;
        }

        var result = new byte[GrpcProtocolConstants.HeaderSize + payload.Length];
        WriteHeader(result, compressed: false, payload.Length);
        payload.CopyTo(result.AsSpan(GrpcProtocolConstants.HeaderSize));
        return result;
    }

    /// <summary>
    /// Reads one message. Returns null at a clean end of stream (no bytes of a next message).
    /// Throws <see cref="RpcException"/> for a truncated message, a size above the limit,
    /// or a compression problem. The returned payload is already decompressed.
    /// </summary>
    public static async ValueTask<byte[]?> ReadMessageAsync(
        Stream stream, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        var message = await ReadFramedMessageAsync(stream, maxMessageSize, encoding, cancellationToken).ConfigureAwait(false);
        return message?.Payload;
    }

    /// <summary>
    /// As <see cref="ReadMessageAsync"/>, and also reports whether the message arrived compressed
    /// (the interop CompressedRequest feature needs the flag, not just the bytes).
    /// </summary>
    public static async ValueTask<FramedMessage?> ReadFramedMessageAsync(
        Stream stream, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[GrpcProtocolConstants.HeaderSize];
        var read = await ReadAtLeastAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the stream ended inside a message header."));
        }

        var flag = header[0];
        if (flag > 1)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {flag} in message header."));
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Received message larger than max ({length} vs. {maxMessageSize})"));
        }

        var payload = await ReadPayloadAsync(stream, (int)length, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the stream ended inside a message."));

        if (flag == 0)
        {
            return new FramedMessage(payload, Compressed: false);
        }

        if (encoding is null || encoding == GrpcProtocolConstants.IdentityEncoding)
        {
            throw new RpcException(new Status(
                StatusCode.Internal,
                "Message is flagged compressed but no grpc-encoding was given."));
        }

        if (encoding != GrpcProtocolConstants.GzipEncoding)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'."));
        }

        return new FramedMessage(Gunzip(payload, maxMessageSize), Compressed: true);
    }

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses while counting, so a gzip bomb stops at the limit instead of filling memory.</summary>
    public static byte[] Gunzip(byte[] compressed, int maxMessageSize)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > maxMessageSize)
                {
                    throw new RpcException(new Status(
                        StatusCode.ResourceExhausted,
                        $"Received message after decompression larger than max ({maxMessageSize})"));
                }

                output.Write(buffer, 0, n);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress message."), ex);
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes, or null if the stream ends first. Large payloads
    /// grow with the bytes that actually arrive, so a peer that declares 4 MiB and sends 5 bytes costs 5 bytes.
    /// </summary>
    private static async ValueTask<byte[]?> ReadPayloadAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        const int EagerLimit = 64 * 1024;
        if (length <= EagerLimit)
        {
            var small = new byte[length];
            return await ReadAtLeastAsync(stream, small, cancellationToken).ConfigureAwait(false) < length ? null : small;
        }

        using var buffer = new MemoryStream(EagerLimit);
        var chunk = new byte[EagerLimit];
        var remaining = length;
        while (remaining > 0)
        {
            var n = await stream.ReadAsync(chunk.AsMemory(0, Math.Min(chunk.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
            remaining -= n;
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
