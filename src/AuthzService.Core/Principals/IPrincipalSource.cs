using AuthzService.Core.Decisions;

namespace AuthzService.Core.Principals;

/// <summary>Produces the tenant-scoped principal for a request (from the directory, possibly cached).</summary>
public interface IPrincipalSource
{
    ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken);
}
