using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;

namespace AuthzService.Api.Telemetry;

/// <summary>The "principal" span: building (or finding) the tenant-scoped principal.</summary>
internal sealed class TracingPrincipalSource(IPrincipalSource inner) : IPrincipalSource
{
    public async ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = AuthzActivitySource.Instance.StartActivity("authz.principal");
        activity?.SetTag("authz.tenant_id", request.TenantId);
        var result = await inner.GetAsync(request, freshness, cancellationToken);
        activity?.SetTag("authz.principal.outcome", result.Outcome.ToString());
        return result;
    }
}
