using System.Globalization;
using AuthzService.Api.Security;
using AuthzService.Api.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Audit;

/// <summary>
/// Writes audit events to the logger category <see cref="Category"/>, which operators route on its
/// own (a separate sink, longer retention). Decisions: see <see cref="DecisionAuditor"/>.
/// </summary>
internal sealed class AuditTrail
{
    /// <summary>The logger category of every audit event.</summary>
    public const string Category = "AuthzService.Audit";

    private readonly double _allowSampleRate;

    public AuditTrail(ILoggerFactory loggerFactory, IOptions<AuditOptions> options, AuthzMetrics metrics)
    {
        Logger = loggerFactory.CreateLogger(Category);
        Metrics = metrics;
        _allowSampleRate = options.Value.AllowSampleRate;
        Redactor = new ContextRedactor(options.Value.EffectiveSecretContextKeys);
    }

    public ILogger Logger { get; }

    public AuthzMetrics Metrics { get; }

    public ContextRedactor Redactor { get; }

    public static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The authenticated caller of a call, or "unknown" if authentication did not run.</summary>
    public static string CallerOf(HttpContext httpContext) =>
        httpContext.Features.Get<CallerIdentityFeature>()?.Identity.Name ?? "unknown";

    public static string CallerOf(ServerCallContext context) => CallerOf(context.GetHttpContext());

    /// <summary>
    /// What the audit names as the method: the gRPC method, or for a decision made for an AuthZEN request the HTTP
    /// endpoint it came in on (e.g. <c>AuthZEN POST /access/v1/evaluation</c>), so the trail says which API was used.
    /// </summary>
    public static string MethodOf(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<HttpApiCallFeature>()?.Name ?? context.Method;

    /// <summary>DENY events are always written; ALLOW events with the configured probability.</summary>
    public bool ShouldWriteAllow() => _allowSampleRate >= 1 || (_allowSampleRate > 0 && Random.Shared.NextDouble() < _allowSampleRate);

    public void AuthenticationFailed(string reason, string peer, string? identity, string? detail)
    {
        Metrics.AuthFailure(reason);
        AuditLog.AuthenticationFailed(Logger, reason, peer, identity ?? string.Empty, detail ?? string.Empty, Now());
    }

    public void AuthorizationFailed(string reason, string caller, string method, string peer)
    {
        Metrics.AuthFailure(reason);
        AuditLog.AuthorizationFailed(Logger, reason, caller, method, peer, Now());
    }

    /// <summary>A call refused by the caller's tenant binding; <paramref name="tenant"/> is "" for calls spanning every tenant.</summary>
    public void TenantDenied(string reason, string caller, string method, string tenant, string peer)
    {
        Metrics.AuthFailure(reason);
        AuditLog.TenantDenied(Logger, reason, caller, method, tenant, peer, Now());
    }
}
