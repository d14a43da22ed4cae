using System.Globalization;
using Grpc.Core;

namespace AuthzService.Api.Serving;

/// <summary>
/// A gRPC call context for a decision call made on behalf of a plain HTTP request (AuthZEN), so the interceptors of
/// <see cref="ServingPipeline"/> judge it exactly as a gRPC call: the method is the gRPC method the request maps onto
/// (what the allow-list grants), the HttpContext (listener, TLS connection, caller certificate) is the request's own,
/// and the call ends when the client goes away. No deadline of its own: <c>Grpc:Server:MaxDeadline</c> bounds it.
/// </summary>
internal sealed class HttpServerCallContext : ServerCallContext
{
    // The key Grpc.AspNetCore's GetHttpContext() looks up for contexts it did not create itself.
    private const string HttpContextKey = "__HttpContext";

    private readonly HttpContext _httpContext;
    private readonly string _method;
    private readonly Dictionary<object, object> _userState;

    public HttpServerCallContext(HttpContext httpContext, string method)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        _httpContext = httpContext;
        _method = method;
        _userState = new Dictionary<object, object> { [HttpContextKey] = httpContext };
    }

    protected override string MethodCore => _method;

    protected override string HostCore => _httpContext.Request.Host.Value ?? string.Empty;

    protected override string PeerCore => _httpContext.Connection.RemoteIpAddress is { } ip
        ? string.Create(CultureInfo.InvariantCulture, $"{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6:[" + ip + "]" : "ipv4:" + ip)}:{_httpContext.Connection.RemotePort}")
        : "unknown";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => _httpContext.RequestAborted;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("Calls made for HTTP requests do not propagate.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
