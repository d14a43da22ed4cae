using AuthzService.Grpc.Internal;
using AuthzService.Grpc.Server.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Grpc.Server;

/// <summary>
/// Lets ASP.NET Core middleware in front of the gRPC endpoint (authentication, shutdown gates) end a
/// call with a proper gRPC status: a trailers-only response (HTTP 200, <c>application/grpc</c>,
/// <c>grpc-status</c>, percent-encoded <c>grpc-message</c>), exactly as the dispatcher would write it.
/// </summary>
public static class GrpcStatusResponse
{
    public static async Task WriteTrailersOnlyAsync(HttpContext httpContext, Status status, Metadata? trailers = null)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("A trailers-only status can only be written before the response starts.");
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocolConstants.ContentType;
        GrpcResponseStatus.Write(
            status, trailers ?? new Metadata(), null, (k, v) => response.Headers.Append(k, v),
            httpContext.Request.Path.Value ?? "/", NullLogger.Instance);
        await response.CompleteAsync();
    }
}
