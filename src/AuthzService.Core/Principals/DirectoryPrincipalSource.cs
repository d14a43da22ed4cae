using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;

namespace AuthzService.Core.Principals;

/// <summary>Reads the principal's snapshot in one round trip and builds it; no caching.</summary>
public sealed class DirectoryPrincipalSource(IDirectoryReader directory) : IPrincipalSource
{
    public async ValueTask<PrincipalBuildResult> GetAsync(
        RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = await directory.ReadPrincipalAsync(
            request.TenantId, request.PrincipalId, request.TeamId, cancellationToken).ConfigureAwait(false);
        return PrincipalBuilder.Build(request, snapshot);
    }
}
