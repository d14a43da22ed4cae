using AuthzService.Grpc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>
/// The single endpoint behind every gRPC path: checks the transport (S1), finds the method (S2),
/// runs it under its deadline (S9) and ends it with exactly one status (S3, S11).
/// </summary>
internal sealed class GrpcCallDispatcher
{
    private readonly GrpcMethodRegistry _registry;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly IRpcExceptionMapper? _exceptionMapper;

    public GrpcCallDispatcher(
        GrpcMethodRegistry registry, IOptions<GrpcServerOptions> options, ILoggerFactory loggerFactory, IRpcExceptionMapper? exceptionMapper = null)
    {
        _registry = registry;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger("AuthzService.Grpc.Server");
        _exceptionMapper = exceptionMapper;
    }

    public async Task HandleAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var path = request.Path.Value ?? "/";
        if (!RejectNonGrpc(httpContext, path))
        {
            return;
        }

        // Our own limit applies per message; Kestrel's whole-body limit would cut streams short.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        _registry.TryFind(path, out var method);
        await using var call = new HttpContextServerCallContext(httpContext, method?.Path ?? path, _options, _logger);
        if (method is null)
        {
            var service = _registry.HasServiceOf(path);
            GrpcServerLog.Unimplemented(_logger, service ? "method" : "service", path);
            await call.CompleteAsync(new Status(
                StatusCode.Unimplemented,
                service ? GrpcServerConstants.UnimplementedMethodMessage : GrpcServerConstants.UnimplementedServiceMessage));
            return;
        }

        if (call.RequestEncoding is { } encoding
            && encoding != GrpcProtocolConstants.IdentityEncoding
            && encoding != GrpcProtocolConstants.GzipEncoding)
        {
            // S8: the response carries grpc-accept-encoding listing what we support.
            GrpcServerLog.UnsupportedEncoding(_logger, path, encoding);
            await call.CompleteAsync(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'."));
            return;
        }

        await RunAsync(method, call);
    }

    private async Task RunAsync(ServerMethodHandler method, HttpContextServerCallContext call)
    {
        Task handler;
        try
        {
            handler = method.HandleCallAsync(call);
        }
        catch (Exception ex)
        {
            handler = Task.FromException(ex);
        }

        if (!handler.IsCompleted)
        {
            // A cached answer often completes synchronously: only a pending handler needs the race.
            await Task.WhenAny(handler, call.DeadlineReached);
        }

        if (!handler.IsCompleted)
        {
            // The deadline passed first: answer now, then keep the HttpContext alive until the
            // handler has observed its cancelled token, so it never touches a recycled request.
            GrpcServerLog.DeadlineExceeded(_logger, method.Path);
            await call.CompleteAsync(ServerStatusMapper.DeadlineExceeded);
            try
            {
                await handler;
                GrpcServerLog.HandlerEndedAfterCompletion(_logger, method.Path, null);
            }
            catch (Exception ex)
            {
                GrpcServerLog.HandlerEndedAfterCompletion(_logger, method.Path, ex);
            }

            return;
        }

        var status = Status.DefaultSuccess;
        Metadata? trailers = null;
        try
        {
            await handler;
        }
        catch (Exception ex)
        {
            (status, trailers) = ServerStatusMapper.Map(ex, call.DeadlineExceeded, call.ClientCancelled, method.Path, _logger, _exceptionMapper);
        }

        await call.CompleteAsync(status, trailers);
    }

    /// <summary>S1: only HTTP/2 POST with an application/grpc content type is a call. False when answered here.</summary>
    private bool RejectNonGrpc(HttpContext httpContext, string path)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            GrpcServerLog.UnsupportedProtocol(_logger, request.Protocol, path);
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers[HeaderNames.Upgrade] = request.IsHttps ? "h2" : "h2c";
            response.Headers[HeaderNames.Connection] = "Upgrade";
            return false;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            GrpcServerLog.UnsupportedHttpMethod(_logger, request.Method, path);
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers[HeaderNames.Allow] = HttpMethods.Post;
            return false;
        }

        if (!IsGrpcContentType(request.ContentType))
        {
            GrpcServerLog.UnsupportedContentType(_logger, path, request.ContentType);
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return false;
        }

        return true;
    }

    /// <summary><c>application/grpc</c>, optionally followed by <c>+format</c> or <c>;params</c>.</summary>
    internal static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == GrpcProtocolConstants.ContentType.Length
            || contentType[GrpcProtocolConstants.ContentType.Length] is '+' or ';';
    }
}
