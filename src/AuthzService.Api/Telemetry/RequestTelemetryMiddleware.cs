using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// Outermost layer of every call: the server span (a child of the caller's W3C <c>traceparent</c>)
/// and the request count and duration by method and final gRPC status, so calls refused by
/// authentication, rate limits or shutdown are measured like any other.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next, AuthzMetrics metrics)
{
    private const string TraceParentHeader = "traceparent";
    private const string TraceStateHeader = "tracestate";

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var path = httpContext.Request.Path.Value ?? "/";
        var method = MethodTag(path);
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

    // Method names from the request path are caller-controlled: only our own packages become tag values.
    internal static string MethodTag(string path) =>
        path.StartsWith("/authz.v1.", StringComparison.Ordinal) || path.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal)
            ? path.Length <= 128 ? path[1..] : "other"
            : "other";

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
