using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Feeds <see cref="TenantTierCache"/> from the principal every decision loads anyway (cached or read), so
/// the tenant rate limit knows a tenant's tier without a directory read of its own.
/// </summary>
internal sealed class TierLearningPrincipalSource(IPrincipalSource inner, TenantTierCache tiers) : IPrincipalSource
{
    public async ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await inner.GetAsync(request, freshness, cancellationToken).ConfigureAwait(false);
        if (result.Principal is { } principal)
        {
            tiers.Learn(principal.TenantId, principal.Attributes.TryGetValue(PrincipalAttributeKeys.TenantTier, out var tier) ? tier as string ?? string.Empty : string.Empty);
        }
        else
        {
            tiers.Forget(request.TenantId);
        }

        return result;
    }
}
