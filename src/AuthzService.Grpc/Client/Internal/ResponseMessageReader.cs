using System.Buffers.Binary;
using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>
/// Reads length-prefixed response messages. Differs from the server's reader in the codes a client
/// reports (statuscodes.md: a client that cannot decompress reports INTERNAL, not UNIMPLEMENTED) and in
/// telling the caller whether the message was compressed.
/// </summary>
internal static class ResponseMessageReader
{
    public readonly record struct Message(byte[] Payload, bool Compressed);

    /// <summary>The next message, or null at a clean end of stream.</summary>
    public static async ValueTask<Message?> ReadAsync(
        Stream stream, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        var header = new byte[GrpcProtocolConstants.HeaderSize];
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the response ended inside a message header."));
        }

        var flag = header[0];
        if (flag > 1)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {flag} in response message."));
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize})"));
        }

        var payload = new byte[length];
        if (length > 0 && await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false) < length)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the response ended inside a message."));
        }

        if (flag == 0)
        {
            return new Message(payload, Compressed: false);
        }

        if (encoding != GrpcProtocolConstants.GzipEncoding)
        {
            throw new RpcException(new Status(
                StatusCode.Internal,
                encoding is null or GrpcProtocolConstants.IdentityEncoding
                    ? "Response message is flagged compressed but no grpc-encoding was given."
                    : $"Response uses unsupported grpc-encoding '{encoding}'."));
        }

        return new Message(MessageFraming.Gunzip(payload, maxMessageSize), Compressed: true);
    }
}
