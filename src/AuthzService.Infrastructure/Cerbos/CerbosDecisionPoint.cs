using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos.Internal;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// <see cref="IPolicyDecisionPoint"/> over the Cerbos gRPC API (CheckResources, PlanResources) with mTLS.
/// Fails closed: only EFFECT_ALLOW allows; transport failures throw <see cref="PdpUnavailableException"/>
/// (also, without a call, while the circuit is open); other statuses and unreadable answers throw
/// <see cref="PdpProtocolException"/>; answers that do not match the request become flagged denies.
/// </summary>
public sealed class CerbosDecisionPoint : IPolicyDecisionPoint
{
    private static readonly TimeSpan DeadlineSlack = TimeSpan.FromMilliseconds(2);

    private readonly ICerbosCaller _caller;
    private readonly CerbosOptions _options;
    private readonly ILogger _logger;
    private readonly CerbosCircuitBreaker _breaker;
    private readonly TimeProvider _time;
    private readonly CerbosTelemetry _telemetry;
    private long _callsSent;

    public CerbosDecisionPoint(
        CerbosChannelFactory channels, IOptions<CerbosOptions> options, ILogger<CerbosDecisionPoint>? logger = null,
        IMeterFactory? meterFactory = null)
        : this(new GrpcCerbosCaller(channels), options?.Value!, logger ?? (ILogger)NullLogger.Instance, TimeProvider.System, meterFactory)
    {
    }

    internal CerbosDecisionPoint(
        ICerbosCaller caller, CerbosOptions options, ILogger logger, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _telemetry = new CerbosTelemetry(meterFactory);
        _caller = caller;
        _options = options;
        _logger = logger;
        _time = time;
        _breaker = new CerbosCircuitBreaker(options, logger, time == TimeProvider.System ? null : time);
    }

    /// <summary>The breaker's state, for tests and health reporting.</summary>
    internal CircuitState CircuitState => _breaker.State;

    /// <summary>Calls handed to the gRPC channel (calls refused by an open circuit are not counted).</summary>
    internal long CallsSent => Interlocked.Read(ref _callsSent);

    public async Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = CerbosRequestMapper.ToCheck(request);
        var response = await InvokeAsync(
            GrpcCerbosCaller.CheckResourcesMethod, request.RequestId, request.Deadline,
            options => _caller.CheckResourcesAsync(wire, options), cancellationToken).ConfigureAwait(false);

        var (results, problems) = CheckResponseMapper.Map(request, response);
        foreach (var problem in problems)
        {
            CerbosLog.ProtocolError(_logger, problem, request.RequestId, response.CerbosCallId);
        }

        // Each decision remembers the call that made it, so audit events (and cached answers) can name it.
        var stamped = results.Select(r => r with { CallId = response.CerbosCallId }).ToList();
        return new PdpCheckResult(stamped, response.CerbosCallId, ProtocolError: problems.Count > 0);
    }

    public async Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = CerbosRequestMapper.ToPlan(request);
        var response = await InvokeAsync(
            GrpcCerbosCaller.PlanResourcesMethod, request.RequestId, request.Deadline,
            options => _caller.PlanResourcesAsync(wire, options), cancellationToken).ConfigureAwait(false);
        try
        {
            return PlanResponseMapper.Map(request, response);
        }
        catch (PdpProtocolException ex)
        {
            CerbosLog.ProtocolError(_logger, ex.Message, request.RequestId, response.CerbosCallId);
            throw;
        }
    }

    private async Task<TResponse> InvokeAsync<TResponse>(
        string method, string requestId, DateTime? deadline, Func<CallOptions, Task<TResponse>> call,
        CancellationToken cancellationToken)
    {
        // The caller's deadline travels to Cerbos as grpc-timeout and bounds retries; without one, the default budget.
        var budget = CallBudget.For(deadline, _time.GetUtcNow().UtcDateTime, _options.DefaultTimeout);
        using var activity = CerbosTelemetry.StartCall(method, requestId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await _breaker.Pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref _callsSent);
                    try
                    {
                        // The caller's trace continues in Cerbos: traceparent travels with every call.
                        var options = new CallOptions(headers: CerbosTelemetry.TraceHeaders(), deadline: budget.Deadline, cancellationToken: token);
                        return await call(options).ConfigureAwait(false);
                    }
                    catch (RpcException ex)
                    {
                        throw Translate(ex, method, requestId, budget, cancellationToken);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            outcome = "circuit_open";
            CerbosLog.CircuitRejected(_logger, method, requestId);
            throw new PdpUnavailableException("Cerbos is unavailable (circuit open).", ex);
        }
        catch (Exception ex)
        {
            outcome = ex switch
            {
                PdpUnavailableException => "unavailable",
                PdpProtocolException => "rejected",
                PdpDeadlineExceededException => "caller_deadline",
                OperationCanceledException => "cancelled",
                _ => "error",
            };
            throw;
        }
        finally
        {
            _telemetry.Record(method, outcome, Stopwatch.GetElapsedTime(started));
            if (outcome != "ok")
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }
    }

    /// <summary>
    /// True when the caller's deadline, shorter than our own timeout, is what ended the call: DEADLINE_EXCEEDED
    /// under it, or any failure seen once it has passed (Cerbos itself may give up at the deadline it was sent
    /// and reset the stream, which a transport may report as UNAVAILABLE or CANCELLED, or stop its engine and answer
    /// INTERNAL). A failure before a caller's deadline, or under our own, is Cerbos's. grpc-timeout travels in whole
    /// milliseconds, so Cerbos may reset the stream just before the deadline by our clock: <see cref="DeadlineSlack"/>
    /// absorbs that (seen in CI: RST_STREAM CANCEL before a 1-5 ms deadline by our clock).
    /// </summary>
    private bool CallerDeadlineEnded(StatusCode status, CallBudget budget) =>
        budget.CallerBound && (status == StatusCode.DeadlineExceeded || _time.GetUtcNow().UtcDateTime >= budget.Deadline - DeadlineSlack);


    private Exception Translate(RpcException ex, string method, string requestId, CallBudget budget, CancellationToken callerToken)
    {
        // Only failures that say something about Cerbos may reach the circuit breaker as PdpUnavailableException:
        // a call the caller cancelled, or one whose (shorter than ours) deadline ran out, fails closed all the same
        // but counts as a call that did not fail, or one caller with tiny deadlines could open the circuit for all.
        switch (ex.StatusCode)
        {
            case StatusCode.Cancelled or StatusCode.DeadlineExceeded when callerToken.IsCancellationRequested:
                return new OperationCanceledException("The caller cancelled the Cerbos call.", ex, callerToken);
            // Cerbos's engine stopped by the deadline it was sent answers INTERNAL "Policy check failed".
            case StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Internal
                when CallerDeadlineEnded(ex.StatusCode, budget):
                CerbosLog.CallerDeadlineExceeded(_logger, method, ex.StatusCode, budget.Budget, requestId);
                return new PdpDeadlineExceededException("The caller's deadline passed before Cerbos answered.", ex);
            case StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled:
                CerbosLog.Unavailable(_logger, method, ex.StatusCode, ex.Status.Detail, requestId);
                return new PdpUnavailableException($"Cerbos is unavailable ({ex.StatusCode}).", ex);
            case StatusCode.InvalidArgument when ex.Status.Detail.Contains("auxData", StringComparison.OrdinalIgnoreCase):
                // Cerbos could not verify the caller's JWT (bad signature, unknown key set, expired): the
                // caller's input, not our protocol. Its detail may quote the token, so it is logged, not returned.
                CerbosLog.CallRejected(_logger, method, ex.StatusCode, ex.Status.Detail, requestId);
                return new PdpRejectedInputException("aux_data.jwt", "could not be verified by the policy decision point", ex);
            default:
                // INVALID_ARGUMENT, INTERNAL (including an unparseable response), ...: Cerbos answered, but not with a decision.
                CerbosLog.CallRejected(_logger, method, ex.StatusCode, ex.Status.Detail, requestId);
                return new PdpProtocolException($"Cerbos rejected the call ({ex.StatusCode}).", ex);
        }
    }
}
