using System.Net.Http;
using AuthzService.Grpc.Client.Internal;
using AuthzService.Grpc.Internal;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Grpc.Client;

/// <summary>
/// A gRPC channel to one target: one pooled HTTP/2 handler (many concurrent streams, more connections
/// when the server's stream limit is reached) shared by all calls. Thread-safe; create once, reuse.
/// Shaped like Grpc.Net.Client's <c>GrpcChannel</c> so a later swap stays local.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    // Bounds transparent retries of refused streams, so a server that refuses everything cannot loop us.
    private const int MaxTransparentRetries = 5;

    private readonly HttpMessageInvoker _invoker;
    private readonly GrpcChannelOptions _options;
    private readonly ILogger _logger;
    private bool _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AuthzService.Grpc.Client.GrpcChannel");
        _invoker = new HttpMessageInvoker(HttpHandlerFactory.Create(address, options, _logger), disposeHandler: true);
    }

    /// <summary>The target: <c>http://host:port</c> (h2c, prior knowledge) or <c>https://host:port</c> (TLS, ALPN h2).</summary>
    public Uri Address { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <exception cref="ArgumentException">The address is not http(s) with an empty path, or the options are invalid.</exception>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new GrpcChannelOptions();
        var errors = new List<string>();
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Address '{address}' must be an absolute http:// or https:// URI.");
        }
        else if (address.AbsolutePath != "/" || address.Query.Length > 0)
        {
            errors.Add($"Address '{address}' must not have a path or query.");
        }
        else if (address.Scheme == Uri.UriSchemeHttp && HasTlsSettings(options))
        {
            // Fail closed: certificates on a plaintext address mean someone expected TLS they would not get.
            errors.Add($"Address '{address}' is plaintext http:// but TLS settings (CA or client certificate) are given; use https://.");
        }

        errors.AddRange(options.Validate());
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gRPC channel settings: " + string.Join(" ", errors), nameof(options));
        }

        return new GrpcChannel(address, options);
    }

    /// <summary>Calls a unary method and returns its response.</summary>
    /// <param name="method">Full method name, <c>/package.Service/Method</c>.</param>
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    public async Task<TResponse> CallUnaryAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> parser, CallOptions options = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        var result = await CallUnaryWithMetadataAsync(method, request, parser, options).ConfigureAwait(false);
        return result.Response;
    }

    /// <summary>Calls a unary method and returns its response with response headers and trailers.</summary>
    /// <exception cref="RpcException">The call ended with a non-OK status; its trailers are on the exception.</exception>
    public async Task<UnaryCallResult<TResponse>> CallUnaryWithMetadataAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> parser, CallOptions options = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parser);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!method.StartsWith('/') || method.IndexOf('/', 1) < 2)
        {
            throw new ArgumentException($"Method '{method}' must look like /package.Service/Method.", nameof(method));
        }

        ValidateRequestMetadata(options.Headers);
        var deadline = NormalizeDeadline(options.Deadline);
        var payload = request.ToByteArray();
        if (payload.Length > _options.MaxSendMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Sending message larger than max ({payload.Length} vs. {_options.MaxSendMessageSize})"));
        }

        var framed = MessageFraming.Frame(payload, options.CompressRequest);
        var outcome = await InvokeWithRetriesAsync(method, framed, options, deadline).ConfigureAwait(false);
        if (outcome.Status.StatusCode != StatusCode.OK)
        {
            GrpcClientLog.CallFailed(_logger, method, outcome.Status.StatusCode, outcome.Status.Detail);
            throw outcome.ToException();
        }

        TResponse response;
        try
        {
            response = parser.ParseFrom(outcome.Payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to parse the response message."), ex);
        }

        return new UnaryCallResult<TResponse>(response, outcome.ResponseHeaders, outcome.Trailers, outcome.PayloadCompressed);
    }

    public void Dispose()
    {
        _disposed = true;
        _invoker.Dispose();
    }

    private async Task<AttemptOutcome> InvokeWithRetriesAsync(
        string method, byte[] framed, CallOptions options, DateTime? deadline)
    {
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        if (deadline is { } d)
        {
            var remaining = d - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                GrpcClientLog.DeadlineExceeded(_logger, method);
                return new AttemptOutcome { Status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started.") };
            }

            // CancelAfter cannot take more than ~49 days; such a deadline is as good as none locally.
            if (remaining < TimeSpan.FromDays(30))
            {
                callCts.CancelAfter(remaining);
            }
        }

        var uri = new Uri(Address, method);
        var attempt = new UnaryAttempt(_invoker, _logger, uri, method, _options.MaxReceiveMessageSize);
        var policy = _options.RetryPolicy;
        var maxAttempts = policy?.MaxAttempts ?? 1;
        var policyAttempts = 0;
        var transparentRetries = 0;
        for (var n = 1; ; n++)
        {
            GrpcClientLog.StartingCall(_logger, method, Address, n);
            var outcome = await attempt.RunAsync(framed, options, deadline, callCts.Token).ConfigureAwait(false);
            TimeSpan delay;
            if (outcome.StreamRefused && transparentRetries < MaxTransparentRetries)
            {
                // gRFC A6 transparent retry: the server refused the stream before its application saw it.
                // This happens when calls race a new connection's SETTINGS (its stream limit is not yet known).
                transparentRetries++;
                delay = TimeSpan.Zero;
            }
            else
            {
                policyAttempts++;
                if (policy is null || policyAttempts >= maxAttempts || !IsRetryable(outcome))
                {
                    return outcome;
                }

                delay = outcome.RetryPushback ?? RetryBackoff.Delay(policy, policyAttempts);
            }

            if (deadline is { } dl && DateTime.UtcNow + delay >= dl)
            {
                GrpcClientLog.RetrySkippedForDeadline(_logger, method);
                return outcome;
            }

            GrpcClientLog.RetryingCall(_logger, method, outcome.Status.StatusCode, (long)delay.TotalMilliseconds, n + 1, maxAttempts);
            if (delay == TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                await Task.Delay(delay, callCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return options.CancellationToken.IsCancellationRequested
                    ? new AttemptOutcome { Status = new Status(StatusCode.Cancelled, "Call cancelled by the caller.") }
                    : new AttemptOutcome { Status = new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.") };
            }
        }
    }

    // C4: only UNAVAILABLE (refused streams surface as UNAVAILABLE), and never once a response message
    // arrived, since the server has then acted on the request.
    private static bool IsRetryable(AttemptOutcome outcome) =>
        outcome.Status.StatusCode == StatusCode.Unavailable
        && !outcome.MessageReceived
        && outcome.RetryPushback != Timeout.InfiniteTimeSpan;

    private static bool HasTlsSettings(GrpcChannelOptions options) =>
        options.TrustedCaCertificates is { Count: > 0 } || options.TrustedCaProvider is not null
        || options.ClientCertificate is not null || options.ClientCertificateProvider is not null;

    private static DateTime? NormalizeDeadline(DateTime? deadline) => deadline switch
    {
        null => null,
        { } d when d == DateTime.MaxValue => null,
        { Kind: DateTimeKind.Local } d => d.ToUniversalTime(),
        { } d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
    };

    private static void ValidateRequestMetadata(Metadata? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var entry in headers)
        {
            if (MetadataEncoding.IsReservedKey(entry.Key) || entry.Key is "te" or "content-type" or "user-agent")
            {
                throw new ArgumentException($"Metadata key '{entry.Key}' is reserved for the protocol.", nameof(headers));
            }
        }
    }
}
