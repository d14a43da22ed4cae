using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// The Cerbos client span and instruments (on the service's Meter and ActivitySource, both named
/// "AuthzService"), and the W3C trace context sent to Cerbos so its own spans join the caller's trace.
/// </summary>
internal sealed class CerbosTelemetry
{
    public const string Name = "AuthzService";

    public static readonly ActivitySource Source = new(Name);

    private readonly Histogram<double>? _duration;
    private readonly Counter<long>? _errors;

    public CerbosTelemetry(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            return;
        }

        var meter = meterFactory.Create(Name);
        _duration = meter.CreateHistogram<double>(
            "authz.cerbos.duration", "s", "Duration of Cerbos calls (retries included), by method and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _errors = meter.CreateCounter<long>("authz.cerbos.errors", "{call}", "Cerbos calls that ended without a decision, by method and outcome.");
    }

    public static Activity? StartCall(string method, string requestId)
    {
        var activity = Source.StartActivity("cerbos " + method[(method.LastIndexOf('/') + 1)..], ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", "cerbos.svc.v1.CerbosService");
            activity.SetTag("rpc.method", method[(method.LastIndexOf('/') + 1)..]);
            activity.SetTag("authz.request_id", requestId);
        }

        return activity;
    }

    /// <summary>
    /// traceparent (and tracestate) of the current span, or null without one. Our span when something
    /// listens; otherwise the hosting layer's, which still carries the caller's trace id.
    /// </summary>
    public static Metadata? TraceHeaders()
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C, Id: { } id } current)
        {
            return null;
        }

        var headers = new Metadata { { "traceparent", id } };
        if (!string.IsNullOrEmpty(current.TraceStateString))
        {
            headers.Add("tracestate", current.TraceStateString);
        }

        return headers;
    }

    public void Record(string method, string outcome, TimeSpan elapsed)
    {
        var methodTag = new KeyValuePair<string, object?>("rpc.method", method[(method.LastIndexOf('/') + 1)..]);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        _duration?.Record(elapsed.TotalSeconds, methodTag, outcomeTag);
        if (outcome != "ok")
        {
            _errors?.Add(1, methodTag, outcomeTag);
        }
    }
}
