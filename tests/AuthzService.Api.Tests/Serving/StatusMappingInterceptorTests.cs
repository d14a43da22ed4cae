using AuthzService.Api.Serving;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Api.Tests.Serving;

/// <summary>
/// Deadline or cancellation, when a handler throws because its call token was cancelled: decided from what the
/// framework and our bound record before they cancel, never from the clock.
/// </summary>
[TestClass]
public sealed class StatusMappingInterceptorTests
{
    private static readonly StatusMappingInterceptor Interceptor = new(NullLogger<StatusMappingInterceptor>.Instance);

    [TestMethod]
    public void Map_ClientDeadline_FrameworkAlreadyResetTheStream_DeadlineExceeded()
    {
        // What Grpc.AspNetCore does at the client's deadline: status DEADLINE_EXCEEDED, response completed,
        // stream reset (which cancels RequestAborted too), then the call token.
        using var call = new FakeCallContext(DateTime.UtcNow.AddMilliseconds(-1));
        call.Status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        call.AbortRequest();
        call.CancelCall();

        var status = Interceptor.Map(new OperationCanceledException(call.CancellationToken), call);

        Assert.AreEqual(StatusCode.DeadlineExceeded, status?.StatusCode);
    }

    [TestMethod]
    public async Task Map_ServerBoundPassed_WallClockNotYetThere_DeadlineExceeded()
    {
        // The bound's timer fired; the wall clock (which may lag the timer by a moment) says the deadline is ahead.
        using var call = new FakeCallContext(DateTime.MaxValue);
        using var bounded = new BoundedServerCallContext(
            call, call.HttpContext, DateTime.UtcNow.AddMinutes(1), TimeSpan.FromMilliseconds(1), TimeProvider.System);
        await WaitCancelledAsync(bounded.CancellationToken);

        var status = Interceptor.Map(new OperationCanceledException(bounded.CancellationToken), bounded);

        Assert.AreEqual(StatusCode.DeadlineExceeded, status?.StatusCode);
    }

    [TestMethod]
    public void Map_ClientWentAway_Cancelled()
    {
        // Kestrel cancels RequestAborted; Grpc.AspNetCore passes that on to the call token. No status is set.
        using var call = new FakeCallContext(DateTime.UtcNow.AddMilliseconds(-1));
        call.AbortRequest();
        call.CancelCall();

        var status = Interceptor.Map(new OperationCanceledException(call.CancellationToken), call);

        Assert.AreEqual(StatusCode.Cancelled, status?.StatusCode);
    }

    [TestMethod]
    public async Task Map_ClientWentAwayWithinTheServerBound_Cancelled()
    {
        using var call = new FakeCallContext(DateTime.MaxValue);
        using var bounded = new BoundedServerCallContext(
            call, call.HttpContext, DateTime.UtcNow.AddMinutes(1), TimeSpan.FromMinutes(1), TimeProvider.System);
        call.AbortRequest();
        call.CancelCall();
        await WaitCancelledAsync(bounded.CancellationToken);

        var status = Interceptor.Map(new OperationCanceledException(bounded.CancellationToken), bounded);

        Assert.AreEqual(StatusCode.Cancelled, status?.StatusCode);
    }

    [TestMethod]
    public void Map_RpcExceptionAfterTheDeadline_StandsAsThrown()
    {
        using var call = new FakeCallContext(DateTime.UtcNow.AddMilliseconds(-1));
        call.Status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        call.CancelCall();

        Assert.IsNull(Interceptor.Map(new RpcException(new Status(StatusCode.PermissionDenied, "no")), call));
    }

    private static async Task WaitCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource();
        using (token.Register(cancelled.SetResult))
        {
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
    }

    /// <summary>A call as Grpc.AspNetCore hands it to interceptors, with the signals under the test's control.</summary>
    private sealed class FakeCallContext : ServerCallContext, IDisposable
    {
        private readonly CancellationTokenSource _call = new();
        private readonly CancellationTokenSource _aborted = new();
        private readonly DateTime _deadline;
        private readonly Dictionary<object, object> _userState = [];

        public FakeCallContext(DateTime deadline)
        {
            _deadline = deadline;
            HttpContext = new DefaultHttpContext { RequestAborted = _aborted.Token };
            _userState["__HttpContext"] = HttpContext;
        }

        public HttpContext HttpContext { get; }

        public void AbortRequest() => _aborted.Cancel();

        public void CancelCall() => _call.Cancel();

        protected override string MethodCore => "/authz.v1.AuthorizationService/CheckResources";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => _deadline;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => _call.Token;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override IDictionary<object, object> UserStateCore => _userState;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

        public void Dispose()
        {
            _call.Dispose();
            _aborted.Dispose();
        }
    }
}
