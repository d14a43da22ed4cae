using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// Outermost layer of every call: the server span (a child of the caller's W3C <c>traceparent</c>)
/// and the request count and duration by method and final gRPC status, so calls refused by
/// authentication, rate limits or shutdown (and paths that are no call at all) are measured like any other.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next, AuthzMetrics metrics)
{
    /// <summary>The tag value of every path that is not a method the server serves.</summary>
    public const string UnknownMethod = "unknown";

    private const string TraceParentHeader = "traceparent";
    private const string TraceStateHeader = "tracestate";
    private const string StatusHeader = "grpc-status";

    // One tag string per served method, made once.
    private static readonly ConcurrentDictionary<IMethod, string> s_tags = new(ReferenceEqualityComparer.Instance);

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var method = MethodTag(httpContext);
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

    // The path is caller-controlled and read before authentication: only a method Grpc.AspNetCore routed the call
    // to (its endpoint's descriptor; routing already ran) becomes a tag value and span name, so no caller can grow
    // the metric's cardinality. Unknown services and methods reach its catch-all endpoints, which carry no method.
    internal static string MethodTag(HttpContext httpContext) =>
        httpContext.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method is { } method
            ? s_tags.GetOrAdd(method, static m => m.FullName.TrimStart('/'))
            : UnknownMethod;

    /// <summary>The status the caller got: <c>grpc-status</c> from the trailers (or a trailers-only answer), else the HTTP status.</summary>
    internal static string StatusOf(HttpContext httpContext)
    {
        var value = httpContext.Response.Headers[StatusHeader].ToString();
        if (value.Length == 0 && httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers)
        {
            value = trailers[StatusHeader].ToString();
        }

        if (value.Length == 0)
        {
            return "HTTP_" + httpContext.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return int.TryParse(value, out var code) ? ((StatusCode)code).ToString() : value;
    }
}
