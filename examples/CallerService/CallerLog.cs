using Grpc.Core;

namespace CallerService;

/// <summary>The example's log messages.</summary>
internal static partial class CallerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Listing documents failed closed: {StatusCode} {Detail}")]
    public static partial void ListFailedClosed(ILogger logger, StatusCode statusCode, string detail);
}
