using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AuthzService.Api.Telemetry;

/// <summary>
/// The service's instruments on the Meter <see cref="MeterName"/> (the cache adds its own on
/// <c>AuthzService.Cache</c>; Cerbos call instruments live beside the Cerbos adapter on the same meter name).
/// Created from <see cref="IMeterFactory"/>, so each host instance has its own meter.
/// </summary>
internal sealed class AuthzMetrics
{
    public const string MeterName = "AuthzService";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _authFailures;

    public AuthzMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _requests = Meter.CreateCounter<long>("authz.rpc.server.requests", "{request}", "gRPC calls served, by method and status.");
        _requestDuration = Meter.CreateHistogram<double>(
            "authz.rpc.server.duration", "s", "Duration of gRPC calls, by method and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _decisions = Meter.CreateCounter<long>("authz.decisions", "{decision}", "Decisions per resource and action, by effect and source (Cerbos, L1, L2, Local).");
        _rateLimited = Meter.CreateCounter<long>("authz.ratelimit.rejections", "{request}", "Calls refused with RESOURCE_EXHAUSTED, by limit (caller, tenant) and tier.");
        _authFailures = Meter.CreateCounter<long>("authz.auth.failures", "{event}", "Callers refused (TLS handshake, no identity, not on the allow-list), by reason.");
    }

    public Meter Meter { get; }

    public void Request(string method, string status, double seconds)
    {
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", status } };
        _requests.Add(1, tags);
        _requestDuration.Record(seconds, tags);
    }

    public void Decision(string effect, string source) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("effect", effect), new KeyValuePair<string, object?>("source", source));

    public void RateLimited(string limit, string tier) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit), new KeyValuePair<string, object?>("tier", tier));

    public void AuthFailure(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
