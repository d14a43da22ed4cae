using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace AuthzService.Api.Serving;

/// <summary>
/// gzip for Grpc.AspNetCore, as its own provider does it, except that a request message that is not valid gzip
/// ends INTERNAL ("could not decompress, but compression algorithm supported" in the gRPC status code table)
/// instead of the UNKNOWN of an unhandled exception. Grpc.AspNetCore itself stops inflating at the receive limit.
/// </summary>
internal sealed class StrictGzipCompressionProvider(CompressionLevel level = CompressionLevel.Fastest) : ICompressionProvider
{
    public string EncodingName => GrpcServerOptions.Gzip;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? level, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new CorruptDataAsInternal(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true));

    /// <summary>Reads through, turning the decompressor's "invalid data" into the status the spec names.</summary>
    private sealed class CorruptDataAsInternal(Stream inner) : Stream
    {
        private static readonly Status s_corrupt = new(StatusCode.Internal, "Failed to decompress the request message (corrupt gzip data).");

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(s_corrupt.StatusCode, s_corrupt.Detail, ex));
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(s_corrupt.StatusCode, s_corrupt.Detail, ex));
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
    }
}
