using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// The circuit breaker in front of Cerbos. Only transport failures (<see cref="PdpUnavailableException"/>)
/// count: a protocol error, a caller's cancellation or the expiry of a caller's deadline shorter than our own
/// timeout (<see cref="PdpDeadlineExceededException"/>) says nothing about whether Cerbos is reachable. Polly
/// records every outcome it does not handle as a success, so those calls count as calls that did not fail.
/// </summary>
internal sealed class CerbosCircuitBreaker
{
    private readonly CircuitBreakerStateProvider _state = new();

    public CerbosCircuitBreaker(CerbosOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        Pipeline = builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            ShouldHandle = new PredicateBuilder().Handle<PdpUnavailableException>(),
            StateProvider = _state,
            OnOpened = args =>
            {
                CerbosLog.CircuitOpened(logger, args.BreakDuration);
                return default;
            },
            OnHalfOpened = _ =>
            {
                CerbosLog.CircuitHalfOpened(logger);
                return default;
            },
            OnClosed = _ =>
            {
                CerbosLog.CircuitClosed(logger);
                return default;
            },
        }).Build();
    }

    public ResiliencePipeline Pipeline { get; }

    public CircuitState State => _state.CircuitState;
}
