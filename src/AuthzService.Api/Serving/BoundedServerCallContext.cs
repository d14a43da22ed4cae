using Grpc.Core;

namespace AuthzService.Api.Serving;

/// <summary>
/// The call as Grpc.AspNetCore made it, ending earlier: <see cref="ServerCallContext.Deadline"/> is the bound and
/// <see cref="ServerCallContext.CancellationToken"/> is cancelled at the bound (and, if given, when another token
/// is, such as the start of shutdown) as well as whenever the call's own token is. Everything else is the call's own (its HttpContext stays reachable through
/// <c>GetHttpContext()</c>, which reads it from <see cref="ServerCallContext.UserState"/> for wrapped contexts).
/// </summary>
internal sealed class BoundedServerCallContext : ServerCallContext, IDisposable
{
    // The key Grpc.AspNetCore's GetHttpContext() looks up for contexts it did not create itself.
    private const string HttpContextKey = "__HttpContext";

    private readonly ServerCallContext _inner;
    private readonly DateTime _deadline;
    private readonly CancellationTokenSource? _expiry;
    private readonly CancellationTokenSource _linked;

    public BoundedServerCallContext(
        ServerCallContext inner, HttpContext httpContext, DateTime deadline, TimeSpan? expireAfter, TimeProvider time, CancellationToken alsoEndWhen = default)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _deadline = deadline;
        _expiry = expireAfter is { } after ? new CancellationTokenSource(after, time) : null;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(inner.CancellationToken, _expiry?.Token ?? default, alsoEndWhen);
        inner.UserState[HttpContextKey] = httpContext;
    }

    /// <summary>Whether the bound has passed (as opposed to the call being cancelled by its own token).</summary>
    public bool Expired => _expiry?.IsCancellationRequested == true && !_inner.CancellationToken.IsCancellationRequested;

    /// <summary>A handler that returned after the bound is too late: its answer is not sent.</summary>
    public void ThrowIfExpired()
    {
        if (Expired)
        {
            throw new RpcException(StatusMappingInterceptor.DeadlineExceeded);
        }
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _linked.Token;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);

    public void Dispose()
    {
        _linked.Dispose();
        _expiry?.Dispose();
    }
}
