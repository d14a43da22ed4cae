using System.Diagnostics;
using AuthzService.Grpc.Server;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// Outermost layer of every call: the server span (a child of the caller's W3C <c>traceparent</c>)
/// and the request count and duration by method and final gRPC status, so calls refused by
/// authentication, rate limits or shutdown are measured like any other.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next, AuthzMetrics metrics, IGrpcMethodCatalog methods)
{
    /// <summary>The tag value of every path that is not a method the server serves.</summary>
    public const string UnknownMethod = "unknown";

    private const string TraceParentHeader = "traceparent";
    private const string TraceStateHeader = "tracestate";

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var path = httpContext.Request.Path.Value ?? "/";
        var method = MethodTag(methods, path);
        using var activity = AuthzActivitySource.Instance.StartActivity(method, ActivityKind.Server, CallerParent(httpContext.Request.Headers));
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.method", method);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(httpContext);
        }
        finally
        {
            var status = StatusOf(httpContext);
            metrics.Request(method, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (activity is not null)
            {
                activity.SetTag("rpc.grpc.status_code", status);
                if (status != "OK")
                {
                    activity.SetStatus(ActivityStatusCode.Error, status);
                }
            }
        }
    }

    /// <summary>
    /// The caller's span as parent. When the hosting layer already made an activity from the same
    /// header, ours nests under it (default parent); otherwise the header is parsed here, so the trace
    /// continues even when nothing listens to ASP.NET Core's own activity.
    /// </summary>
    internal static ActivityContext CallerParent(IHeaderDictionary headers)
    {
        var traceParent = headers[TraceParentHeader].ToString();
        if (traceParent.Length == 0
            || !ActivityContext.TryParse(traceParent, headers[TraceStateHeader].ToString(), isRemote: true, out var parent)
            || Activity.Current?.TraceId == parent.TraceId)
        {
            return default;
        }

        return parent;
    }

    // The path is caller-controlled and read before authentication: only the name of a method the server
    // really serves becomes a tag value (and span name), so no caller can grow the metric's cardinality.
    internal static string MethodTag(IGrpcMethodCatalog methods, string path) => methods.NameOf(path) ?? UnknownMethod;

    internal static string StatusOf(HttpContext httpContext)
    {
        var value = httpContext.Response.Headers["grpc-status"].ToString();
        if (value.Length == 0 && httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers)
        {
            value = trailers["grpc-status"].ToString();
        }

        if (value.Length == 0)
        {
            return "HTTP_" + httpContext.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return int.TryParse(value, out var code) ? ((AuthzService.Grpc.StatusCode)code).ToString() : value;
    }
}
