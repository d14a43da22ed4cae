using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>Every log line of the client side, with stable event ids (1310-1319; ids are unique across the service).</summary>
internal static partial class GrpcClientLog
{
    [LoggerMessage(1310, LogLevel.Debug, "Starting gRPC call {Method} to {Address} (attempt {Attempt}).")]
    public static partial void StartingCall(ILogger logger, string method, Uri address, int attempt);

    [LoggerMessage(1311, LogLevel.Debug, "gRPC call {Method} failed with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(1312, LogLevel.Information, "Retrying gRPC call {Method} after {StatusCode} in {DelayMs} ms (attempt {NextAttempt} of {MaxAttempts}).")]
    public static partial void RetryingCall(ILogger logger, string method, StatusCode statusCode, long delayMs, int nextAttempt, int maxAttempts);

    [LoggerMessage(1313, LogLevel.Debug, "Not retrying gRPC call {Method}: the deadline leaves no time for another attempt.")]
    public static partial void RetrySkippedForDeadline(ILogger logger, string method);

    [LoggerMessage(1314, LogLevel.Debug, "gRPC call {Method} exceeded its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(1315, LogLevel.Debug, "gRPC call {Method} lost its transport.")]
    public static partial void TransportFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(1316, LogLevel.Warning, "Rejected the server certificate {Subject}: {Reason}")]
    public static partial void ServerCertificateRejected(ILogger logger, string subject, string reason);

    [LoggerMessage(1317, LogLevel.Warning, "Server certificate verification is OFF for {Address}: any server is accepted. Development use only.")]
    public static partial void ServerCertificateVerificationDisabled(ILogger logger, Uri address);
}
