using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using AuthzService.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>
/// One HTTP/2 exchange of a unary call: send the framed request, read exactly one response message and
/// the status. Never throws for protocol or transport problems: every ending becomes an <see cref="AttemptOutcome"/>.
/// </summary>
internal sealed class UnaryAttempt
{
    public const string UserAgent = "authz-service-grpc/1.0";
    private const long RefusedStream = 0x7;

    private static readonly MediaTypeHeaderValue s_grpcContentType = new(GrpcProtocolConstants.ContentType);

    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger _logger;
    private readonly string _method;
    private readonly Uri _uri;
    private readonly int _maxReceiveMessageSize;

    public UnaryAttempt(HttpMessageInvoker invoker, ILogger logger, Uri uri, string method, int maxReceiveMessageSize)
    {
        _invoker = invoker;
        _logger = logger;
        _uri = uri;
        _method = method;
        _maxReceiveMessageSize = maxReceiveMessageSize;
    }

    /// <param name="framedRequest">The length-prefixed request message.</param>
    /// <param name="options">Call metadata, deadline and the caller's token (to tell CANCELLED from DEADLINE_EXCEEDED).</param>
    /// <param name="deadline">Normalized UTC deadline, or null.</param>
    /// <param name="callToken">Cancelled by the caller's token or the deadline.</param>
    public async Task<AttemptOutcome> RunAsync(
        byte[] framedRequest, CallOptions options, DateTime? deadline, CancellationToken callToken)
    {
        var messageReceived = false;
        try
        {
            using var request = BuildRequest(framedRequest, options, deadline);
            using var response = await _invoker.SendAsync(request, callToken).ConfigureAwait(false);

            var responseHeaders = ResponseMetadata.ToMetadata(response.Headers);
            if (ResponseMetadata.ReadStatus(response.Headers) is { } trailersOnlyStatus)
            {
                // Trailers-only: the single HEADERS frame carries the status; its metadata is trailing metadata.
                return new AttemptOutcome
                {
                    Status = trailersOnlyStatus,
                    Trailers = responseHeaders,
                    RetryPushback = ResponseMetadata.ReadRetryPushback(response.Headers),
                };
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new AttemptOutcome
                {
                    Status = new Status(
                        HttpStatusMapping.ToStatusCode(response.StatusCode),
                        $"Bad gRPC response: HTTP status {(int)response.StatusCode}."),
                    ResponseHeaders = responseHeaders,
                };
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (contentType is null || !contentType.StartsWith(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                return new AttemptOutcome
                {
                    Status = new Status(StatusCode.Unknown, $"Bad gRPC response: content-type '{contentType}'."),
                    ResponseHeaders = responseHeaders,
                };
            }

            var encoding = response.Headers.NonValidated.TryGetValues(GrpcProtocolConstants.MessageEncodingHeader, out var values)
                ? values.FirstOrDefault()
                : null;
            var body = await response.Content.ReadAsStreamAsync(callToken).ConfigureAwait(false);
            var first = await ResponseMessageReader.ReadAsync(body, _maxReceiveMessageSize, encoding, callToken).ConfigureAwait(false);
            messageReceived = first is not null;
            if (first is not null
                && await ResponseMessageReader.ReadAsync(body, _maxReceiveMessageSize, encoding, callToken).ConfigureAwait(false) is not null)
            {
                return new AttemptOutcome
                {
                    Status = new Status(StatusCode.Internal, "Unary call returned more than one response message."),
                    ResponseHeaders = responseHeaders,
                    MessageReceived = true,
                };
            }

            // The body has ended, so the trailers have been read.
            var trailers = ResponseMetadata.ToMetadata(response.TrailingHeaders);
            var status = ResponseMetadata.ReadStatus(response.TrailingHeaders)
                ?? new Status(StatusCode.Unknown, "Bad gRPC response: no grpc-status in the trailers.");
            if (status.StatusCode == StatusCode.OK && first is null)
            {
                status = new Status(StatusCode.Internal, "Unary call completed without a response message.");
            }

            return new AttemptOutcome
            {
                Status = status,
                ResponseHeaders = responseHeaders,
                Trailers = trailers,
                Payload = status.StatusCode == StatusCode.OK ? first!.Value.Payload : null,
                PayloadCompressed = first?.Compressed ?? false,
                MessageReceived = messageReceived,
                RetryPushback = ResponseMetadata.ReadRetryPushback(response.TrailingHeaders),
            };
        }
        catch (RpcException ex)
        {
            // A malformed or oversized response message: a protocol failure, not a transient one.
            return new AttemptOutcome { Status = ex.Status, MessageReceived = messageReceived, Exception = ex };
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException or HttpProtocolException)
        {
            if (options.CancellationToken.IsCancellationRequested)
            {
                return new AttemptOutcome { Status = new Status(StatusCode.Cancelled, "Call cancelled by the caller."), Exception = ex };
            }

            if (callToken.IsCancellationRequested)
            {
                GrpcClientLog.DeadlineExceeded(_logger, _method);
                return new AttemptOutcome { Status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded."), Exception = ex };
            }

            GrpcClientLog.TransportFailed(_logger, _method, ex);
            return new AttemptOutcome
            {
                Status = new Status(StatusCode.Unavailable, TransportDetail(ex)),
                MessageReceived = messageReceived,
                StreamRefused = !messageReceived && ResetCode(ex) == RefusedStream,
                Exception = ex,
            };
        }
    }

    private HttpRequestMessage BuildRequest(byte[] framedRequest, CallOptions options, DateTime? deadline)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri)
        {
            // C1: HTTP/2 only; prior knowledge on http://, ALPN h2 on https://.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framedRequest),
        };
        request.Content.Headers.ContentType = s_grpcContentType;
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, "trailers");
        headers.TryAddWithoutValidation("user-agent", UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageAcceptEncodingHeader, GrpcProtocolConstants.GzipEncoding);
        if (options.CompressRequest)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageEncodingHeader, GrpcProtocolConstants.GzipEncoding);
        }

        if (deadline is { } d)
        {
            // Computed per attempt, so a retry sends only the time that is left.
            headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Format(d - DateTime.UtcNow));
        }

        if (options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                var value = entry.IsBinary ? MetadataEncoding.EncodeBinary(entry.ValueBytes) : entry.Value;
                headers.TryAddWithoutValidation(entry.Key, value);
            }
        }

        return request;
    }

    private static string TransportDetail(Exception ex) =>
        ResetCode(ex) is { } code
            ? $"The HTTP/2 stream was reset (error code {code})."
            : $"The connection failed: {ex.Message}";

    private static long? ResetCode(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpProtocolException protocol)
            {
                return protocol.ErrorCode;
            }
        }

        return null;
    }
}
