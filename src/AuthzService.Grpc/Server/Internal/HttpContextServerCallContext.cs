using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Grpc.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>
/// One call on Kestrel: its deadline and cancellation, request reading, and the response in order
/// (headers, messages, status). A lock orders writes, because the deadline may complete the call
/// while the handler is still writing.
/// </summary>
internal sealed class HttpContextServerCallContext : ServerCallContext, IAsyncDisposable
{
    // Beyond this a timer cannot be armed; such a deadline is as good as none.
    private static readonly TimeSpan s_maxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    // Messages up to this size are serialized straight into the response pipe; larger ones keep the
    // copy through an array so one call never asks the pipe for a multi-megabyte span.
    private const int DirectWriteLimit = 64 * 1024;

    private readonly HttpContext _httpContext;
    private readonly ILogger _logger;
    private readonly int _maxReceiveMessageSize;
    private readonly int? _maxSendMessageSize;
    private readonly CancellationTokenSource _callCts;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly TaskCompletionSource _deadlineReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _headersSent;
    private bool _compressAfterHeaders;
    private bool _completed;

    public HttpContextServerCallContext(HttpContext httpContext, string method, GrpcServerOptions options, ILogger logger)
    {
        _httpContext = httpContext;
        _logger = logger;
        Method = method;
        _maxReceiveMessageSize = options.MaxReceiveMessageSize;
        _maxSendMessageSize = options.MaxSendMessageSize;

        var headers = httpContext.Request.Headers;
        RequestEncoding = FirstOf(headers[GrpcProtocolConstants.MessageEncodingHeader]);
        ClientAcceptsGzip = AcceptsGzip(headers[GrpcProtocolConstants.MessageAcceptEncodingHeader].ToString());
        CompressResponse = options.ResponseCompressionAlgorithm == GrpcProtocolConstants.GzipEncoding;
        RequestHeaders = ServerMetadata.FromRequestHeaders(headers, method, logger);

        var timeout = ReadTimeout(FirstOf(headers[GrpcProtocolConstants.TimeoutHeader]), options.MaxDeadline);
        Deadline = timeout is { } t && t < DateTime.MaxValue - DateTime.UtcNow ? DateTime.UtcNow + t : DateTime.MaxValue;
        if (timeout is { } armed && armed < s_maxTimer)
        {
            _deadlineCts = new CancellationTokenSource(armed);
            _deadlineCts.Token.UnsafeRegister(static s => ((TaskCompletionSource)s!).TrySetResult(), _deadlineReached);
            _callCts = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineCts.Token);
        }
        else
        {
            _callCts = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        }
    }

    public override string Method { get; }

    public override string Host => _httpContext.Request.Host.Value ?? string.Empty;

    public override string Peer => FormatPeer(_httpContext.Connection.RemoteIpAddress, _httpContext.Connection.RemotePort);

    public override X509Certificate2? ClientCertificate => _httpContext.Connection.ClientCertificate;

    public override DateTime Deadline { get; }

    public override CancellationToken CancellationToken => _callCts.Token;

    public override Metadata RequestHeaders { get; }

    public override Metadata ResponseHeaders { get; } = new();

    public override Metadata ResponseTrailers { get; } = new();

    public override bool RequestCompressed => RequestMessageCompressed;

    public override bool CompressResponse { get; set; }

    public override HttpContext HttpContext => _httpContext;

    public string? RequestEncoding { get; }

    public bool ClientAcceptsGzip { get; }

    /// <summary>Completes (never faults) when the deadline passes; never completes without a deadline.</summary>
    public Task DeadlineReached => _deadlineReached.Task;

    public bool DeadlineExceeded => _deadlineCts?.IsCancellationRequested == true;

    public bool ClientCancelled => _httpContext.RequestAborted.IsCancellationRequested;

    private bool RequestMessageCompressed { get; set; }

    /// <summary>Reads exactly one request message (S6): none, or anything after it, is a cardinality error.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var body = _httpContext.Request.Body;
        var message = await MessageFraming.ReadFramedMessageAsync(body, _maxReceiveMessageSize, RequestEncoding, CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unimplemented, "Request cardinality violation: a unary request carries no message."));

        // One more byte tells a clean end of stream from a second (possibly partial) message.
        var probe = new byte[1];
        if (await body.ReadAsync(probe, CancellationToken) > 0)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "Request cardinality violation: more than one request message."));
        }

        RequestMessageCompressed = message.Compressed;
        try
        {
            return parser.ParseFrom(message.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the request message."));
        }
    }

    public async Task WriteResponseMessageAsync(IMessage message, CancellationToken cancellationToken = default)
    {
        var size = message.CalculateSize();
        if (size > _maxSendMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {_maxSendMessageSize})"));
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfCompleted();
            SetHeaders();
            var writer = _httpContext.Response.BodyWriter;
            var compress = _compressAfterHeaders && CompressResponse;
            if (!compress && size <= DirectWriteLimit)
            {
                // Frame header and payload straight into the pipe: no payload array, no framed copy.
                var span = writer.GetSpan(GrpcProtocolConstants.HeaderSize + size);
                MessageFraming.WriteHeader(span, compressed: false, size);
                message.WriteTo(span.Slice(GrpcProtocolConstants.HeaderSize, size));
                writer.Advance(GrpcProtocolConstants.HeaderSize + size);
            }
            else
            {
                writer.Write(MessageFraming.Frame(message.ToByteArray(), compress));
            }

            // The caller's token only needs linking when it can be cancelled (a streaming writer's may).
            if (cancellationToken.CanBeCanceled)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, cancellationToken);
                await writer.FlushAsync(linked.Token);
            }
            else
            {
                await writer.FlushAsync(CancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async Task WriteResponseHeadersAsync()
    {
        await _writeLock.WaitAsync(CancellationToken);
        try
        {
            ThrowIfCompleted();
            if (_headersSent)
            {
                throw new InvalidOperationException("Response headers have already been sent.");
            }

            SetHeaders();
            await _httpContext.Response.StartAsync(CancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the call with a status (S3): in trailers after a response started, otherwise as a
    /// trailers-only response. Later calls are no-ops, so the first status wins.
    /// </summary>
    public async Task CompleteAsync(Status status, Metadata? extraTrailers = null)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            var response = _httpContext.Response;
            if (!response.HasStarted)
            {
                // Trailers-only: the status and trailers travel in the only HEADERS frame.
                SetHeaders();
                GrpcResponseStatus.Write(status, ResponseTrailers, extraTrailers, (k, v) => response.Headers.Append(k, v), Method, _logger);
            }
            else
            {
                GrpcResponseStatus.Write(status, ResponseTrailers, extraTrailers, (k, v) => response.AppendTrailer(k, v), Method, _logger);
            }

            await response.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            GrpcServerLog.StatusNotSent(_logger, Method, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _callCts.Dispose();
        _deadlineCts?.Dispose();
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private void SetHeaders()
    {
        if (_headersSent)
        {
            return;
        }

        _headersSent = true;
        var response = _httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocolConstants.ContentType;
        response.Headers[GrpcProtocolConstants.MessageAcceptEncodingHeader] = GrpcServerConstants.SupportedEncodings;
        _compressAfterHeaders = CompressResponse && ClientAcceptsGzip;
        if (_compressAfterHeaders)
        {
            response.Headers[GrpcProtocolConstants.MessageEncodingHeader] = GrpcProtocolConstants.GzipEncoding;
        }

        ServerMetadata.Write(ResponseHeaders, (k, v) => response.Headers.Append(k, v), Method, _logger);
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            // The deadline (or an earlier error) already ended the call; nothing more can reach the client.
            throw new OperationCanceledException("The call has already completed.", CancellationToken);
        }
    }

    private TimeSpan? ReadTimeout(string? header, TimeSpan? max)
    {
        TimeSpan? timeout = null;
        if (header is not null)
        {
            if (GrpcTimeout.TryParse(header, out var parsed))
            {
                timeout = parsed;
            }
            else
            {
                // S9: a malformed value is treated as absent, not as an error.
                GrpcServerLog.MalformedTimeout(_logger, header, Method);
            }
        }

        return max is { } m && (timeout is null || timeout > m) ? m : timeout;
    }

    private static bool AcceptsGzip(string header)
    {
        var rest = header.AsSpan();
        foreach (var range in rest.Split(','))
        {
            if (rest[range].Trim().Equals(GrpcProtocolConstants.GzipEncoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // StringValues is a struct: LINQ's FirstOrDefault would box it on every call.
    private static string? FirstOf(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 ? values[0] : null;

    private static string FormatPeer(IPAddress? address, int port) => address switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } => $"ipv6:[{address}]:{port}",
        _ => $"ipv4:{address}:{port}",
    };
}
