using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Serving;

/// <summary>
/// Turns what a handler throws into the status the caller sees, in one place. A call whose deadline has passed
/// or whose client went away ends DEADLINE_EXCEEDED or CANCELLED whatever the handler was doing when it noticed;
/// otherwise domain exceptions become statuses through <see cref="FailureClassifier"/> (the exception rides
/// along as <see cref="Status.DebugException"/>, which is never sent). Anything unmapped is left to
/// Grpc.AspNetCore: UNKNOWN with a generic message, the exception logged.
/// </summary>
internal sealed partial class StatusMappingInterceptor(ILogger<StatusMappingInterceptor> logger) : Interceptor
{
    public static readonly Status DeadlineExceeded = new(StatusCode.DeadlineExceeded, "Deadline Exceeded");

    public static readonly Status Cancelled = new(StatusCode.Cancelled, "Call canceled by the client.");

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } status)
        {
            throw new RpcException(status);
        }
    }

    /// <summary>The status for <paramref name="exception"/>; null to let it through unchanged.</summary>
    internal Status? Map(Exception exception, ServerCallContext context)
    {
        if (exception is RpcException)
        {
            // A status chosen on purpose stands, deadline or not.
            return null;
        }

        if (context.CancellationToken.IsCancellationRequested)
        {
            // The caller is out of time or gone: that, not whatever the handler hit when it noticed, is the outcome.
            var deadline = DeadlinePassed(context);
            CallEnded(logger, context.Method, deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, exception.GetType().Name);
            return deadline ? DeadlineExceeded : Cancelled;
        }

        if (FailureClassifier.Classify(exception).Status is not { } mapped)
        {
            return null;
        }

        if (mapped.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
        {
            HandlerFailed(logger, context.Method, mapped.StatusCode, exception);
        }
        else
        {
            HandlerRefused(logger, context.Method, mapped.StatusCode, exception);
        }

        return new Status(mapped.StatusCode, mapped.Detail, exception);
    }

    /// <summary>
    /// Whether a cancelled call token means a deadline rather than a client that went away. Both signals are set
    /// before the token is cancelled, so no clock is read: Grpc.AspNetCore sets DEADLINE_EXCEEDED as the call's
    /// status before it completes the response, resets the stream (which also cancels <c>RequestAborted</c>) and
    /// cancels the token; our <c>Grpc:Server:MaxDeadline</c> bound marks its context expired before it cancels the
    /// linked token. A clock comparison would be fooled by a timer firing a moment before the wall clock reaches
    /// the deadline, and <c>RequestAborted</c> alone by the framework's own reset after a client deadline.
    /// </summary>
    internal static bool DeadlinePassed(ServerCallContext context) =>
        context.Status.StatusCode == StatusCode.DeadlineExceeded || context is BoundedServerCallContext { Expired: true };

    [LoggerMessage(6500, LogLevel.Error, "Call {Method} failed with {StatusCode}; the caller sees a sanitized message")]
    private static partial void HandlerFailed(ILogger logger, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(6501, LogLevel.Information, "Call {Method} refused with {StatusCode}")]
    private static partial void HandlerRefused(ILogger logger, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(6502, LogLevel.Debug, "Call {Method} ended {StatusCode} ({ExceptionType} in the handler)")]
    private static partial void CallEnded(ILogger logger, string method, StatusCode statusCode, string exceptionType);
}
