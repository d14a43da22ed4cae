using System.Globalization;
using AuthzService.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>Writes <c>grpc-status</c>, the percent-encoded <c>grpc-message</c> (S4) and the trailers.</summary>
internal static class GrpcResponseStatus
{
    public static void Write(
        Status status, Metadata trailers, Metadata? extraTrailers, Action<string, string> add, string path, ILogger logger)
    {
        add(GrpcProtocolConstants.StatusTrailer, ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            add(GrpcProtocolConstants.MessageTrailer, PercentEncoding.Encode(status.Detail));
        }

        ServerMetadata.Write(trailers, add, path, logger);
        if (extraTrailers is not null)
        {
            ServerMetadata.Write(extraTrailers, add, path, logger);
        }
    }
}
