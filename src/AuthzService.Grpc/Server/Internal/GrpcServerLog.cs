using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>Every log line of the server side. Event ids are stable: dashboards and alerts key on them.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Debug, "Refused {Protocol} request to '{Path}': gRPC needs HTTP/2.")]
    public static partial void UnsupportedProtocol(ILogger logger, string protocol, string path);

    [LoggerMessage(2, LogLevel.Debug, "Refused request to '{Path}' with content type '{ContentType}'.")]
    public static partial void UnsupportedContentType(ILogger logger, string path, string? contentType);

    [LoggerMessage(3, LogLevel.Debug, "Refused {HttpMethod} request to '{Path}': gRPC calls are POST.")]
    public static partial void UnsupportedHttpMethod(ILogger logger, string httpMethod, string path);

    [LoggerMessage(4, LogLevel.Information, "Unimplemented gRPC {Kind} called: '{Path}'.")]
    public static partial void Unimplemented(ILogger logger, string kind, string path);

    [LoggerMessage(5, LogLevel.Debug, "Ignored malformed grpc-timeout '{Value}' on '{Path}'.")]
    public static partial void MalformedTimeout(ILogger logger, string value, string path);

    [LoggerMessage(6, LogLevel.Debug, "Refused '{Path}': unsupported grpc-encoding '{Encoding}'.")]
    public static partial void UnsupportedEncoding(ILogger logger, string path, string encoding);

    [LoggerMessage(7, LogLevel.Error, "Handler of '{Path}' threw; the caller sees {StatusCode} with a generic message.")]
    public static partial void HandlerFailed(ILogger logger, string path, StatusCode statusCode, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Call '{Path}' ended with {StatusCode}: {Detail}")]
    public static partial void RpcError(ILogger logger, string path, StatusCode statusCode, string detail);

    [LoggerMessage(9, LogLevel.Debug, "Deadline of '{Path}' exceeded.")]
    public static partial void DeadlineExceeded(ILogger logger, string path);

    [LoggerMessage(10, LogLevel.Debug, "Call '{Path}' cancelled by the client.")]
    public static partial void CallCancelled(ILogger logger, string path);

    [LoggerMessage(11, LogLevel.Debug, "Handler of '{Path}' ended after its call had completed.")]
    public static partial void HandlerEndedAfterCompletion(ILogger logger, string path, Exception? exception);

    [LoggerMessage(12, LogLevel.Debug, "Could not send the status of '{Path}'; the client is probably gone.")]
    public static partial void StatusNotSent(ILogger logger, string path, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Dropped response metadata '{Key}' on '{Path}': {Reason}")]
    public static partial void ResponseMetadataDropped(ILogger logger, string key, string path, string reason);

    [LoggerMessage(14, LogLevel.Debug, "Ignored request header '{Key}' on '{Path}': {Reason}")]
    public static partial void RequestHeaderIgnored(ILogger logger, string key, string path, string reason);

    [LoggerMessage(15, LogLevel.Information, "Application stopping: every health status is now NOT_SERVING.")]
    public static partial void HealthShutdown(ILogger logger);
}
