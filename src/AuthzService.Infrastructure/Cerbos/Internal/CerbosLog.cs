using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Source-generated log messages of the Cerbos adapter. Event ids are stable: 3100-3199, and 6100-6149 for the breaker's call classification and the policy-store watcher.</summary>
internal static partial class CerbosLog
{
    [LoggerMessage(3100, LogLevel.Error,
        "Cerbos protocol error: {Detail} (request_id {RequestId}, cerbos_call_id {CerbosCallId}); affected actions are denied")]
    public static partial void ProtocolError(ILogger logger, string detail, string requestId, string cerbosCallId);

    [LoggerMessage(3101, LogLevel.Warning, "Cerbos {Method} unavailable: {StatusCode} {Detail} (request_id {RequestId})")]
    public static partial void Unavailable(ILogger logger, string method, StatusCode statusCode, string detail, string requestId);

    [LoggerMessage(3102, LogLevel.Error, "Cerbos {Method} failed: {StatusCode} {Detail} (request_id {RequestId})")]
    public static partial void CallRejected(ILogger logger, string method, StatusCode statusCode, string detail, string requestId);

    [LoggerMessage(3103, LogLevel.Warning, "Cerbos circuit opened for {BreakDuration}: calls fail fast with UNAVAILABLE")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(3104, LogLevel.Information, "Cerbos circuit closed: calls go through again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(3105, LogLevel.Information, "Cerbos circuit half-open: trying one call")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(3106, LogLevel.Debug, "Cerbos {Method} rejected without a call: the circuit is open (request_id {RequestId})")]
    public static partial void CircuitRejected(ILogger logger, string method, string requestId);

    // Debug: one caller with tiny deadlines must not flood the log; the calls metric counts them (outcome caller_deadline).
    [LoggerMessage(6100, LogLevel.Debug,
        "Cerbos {Method} not answered within the caller's deadline ({StatusCode}; {Budget} left when the call started, less than our own timeout); not counted against the circuit (request_id {RequestId})")]
    public static partial void CallerDeadlineExceeded(ILogger logger, string method, StatusCode statusCode, TimeSpan budget, string requestId);
}
