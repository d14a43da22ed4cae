using AuthzService.Core.Memberships;

namespace AuthzService.Core.Principals;

/// <summary>
/// Builds the tenant-scoped principal Cerbos sees. Pure: the snapshot is the only input besides the request.
/// </summary>
/// <remarks>
/// Rules (each has a unit test):
/// <list type="bullet">
/// <item>unknown tenant → <see cref="PrincipalBuildOutcome.TenantUnknown"/>; suspended → <see cref="PrincipalBuildOutcome.TenantSuspended"/>;</item>
/// <item>a team context exists only when the directory holds the principal's membership in the requested team
///   of this tenant (a membership without roles counts). The team the caller names is a claim, not a fact:
///   without that membership the principal is built tenant-wide — no team roles, no <c>team_id</c> attribute,
///   <see cref="BuiltPrincipal.TeamId"/> null — exactly as if no team had been named (fail-closed: policies
///   grant team rights only with <c>P.attr.team_id</c>, and the principal, hence the decision cache key, is the
///   tenant-wide one, so nothing a real member could be answered is computed or cached for a non-member);</item>
/// <item>roles = tenant-wide roles except team roles (<c>team_*</c>, see <see cref="PrincipalAttributeKeys.IsTeamRole"/>,
///   which count only from a team membership: rows written before the API refused them must not make a
///   tenant-wide "team lead of every team") ∪ roles of the team membership, sorted and distinct;
///   a membership that is not exactly for this tenant/principal/team is ignored (defence in depth against a faulty store);</item>
/// <item>no roles at all → ["non_member"];</item>
/// <item>attributes = tenant-wide membership attributes, overridden by the team's, then the reserved keys
///   (tenant_id, team_id when there is a team context, tenant_tier, tenant_status, context) which always win;</item>
/// <item>context = the request's principal context, only ever under "context";</item>
/// <item>scope = the tenant's cerbos_scope when it is a valid Cerbos scope, else "" (base policies).
///   The team is deliberately not part of the scope: team ids are free text and cannot be made into
///   scope segments without an ambiguous escaping rule.</item>
/// </list>
/// </remarks>
public static class PrincipalBuilder
{
    public static PrincipalBuildResult Build(RequestedPrincipal request, PrincipalSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(snapshot);

        var tenant = snapshot.Tenant;
        if (tenant is null || !string.Equals(tenant.Id, request.TenantId, StringComparison.Ordinal))
        {
            return PrincipalBuildResult.TenantUnknown;
        }

        if (tenant.Status != TenantStatus.Active)
        {
            return PrincipalBuildResult.TenantSuspended;
        }

        var requestedTeam = string.IsNullOrEmpty(request.TeamId) ? null : request.TeamId;
        var tenantWide = Belongs(snapshot.TenantWide, request, Membership.TenantWide);
        var team = requestedTeam is null ? null : Belongs(snapshot.Team, request, requestedTeam);

        // The team context comes from the directory, never from the request alone.
        var teamId = team?.TeamId;

        var roles = new SortedSet<string>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var membership in new[] { tenantWide, team })
        {
            if (membership is null)
            {
                continue;
            }

            foreach (var role in membership.Roles)
            {
                if (!string.IsNullOrEmpty(role) && (!membership.IsTenantWide || !PrincipalAttributeKeys.IsTeamRole(role)))
                {
                    roles.Add(role);
                }
            }

            foreach (var (key, value) in membership.Attributes)
            {
                if (!PrincipalAttributeKeys.Reserved.Contains(key))
                {
                    attributes[key] = value;
                }
            }
        }

        if (roles.Count == 0)
        {
            roles.Add(PrincipalAttributeKeys.NonMemberRole);
        }

        attributes[PrincipalAttributeKeys.TenantId] = tenant.Id;
        if (teamId is not null)
        {
            attributes[PrincipalAttributeKeys.TeamId] = teamId;
        }

        attributes[PrincipalAttributeKeys.TenantTier] = tenant.Tier;
        attributes[PrincipalAttributeKeys.TenantStatus] = "active";
        attributes[PrincipalAttributeKeys.Context] = ContextOf(request.Context);

        var principal = new BuiltPrincipal(
            request.PrincipalId,
            tenant.Id,
            teamId,
            [.. roles],
            attributes,
            CerbosScope.IsValid(tenant.CerbosScope) ? tenant.CerbosScope : string.Empty,
            snapshot.TenantVersion,
            snapshot.PrincipalVersion,
            snapshot.PolicyEpoch);
        return new PrincipalBuildResult(PrincipalBuildOutcome.Built, principal);
    }

    /// <summary>
    /// The same principal for another request's context (a cached principal is reused across requests;
    /// the context is request-time data and always replaces the previous one).
    /// </summary>
    public static BuiltPrincipal WithContext(BuiltPrincipal principal, IReadOnlyDictionary<string, object?>? context)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var attributes = new Dictionary<string, object?>(principal.Attributes, StringComparer.Ordinal)
        {
            [PrincipalAttributeKeys.Context] = ContextOf(context),
        };
        return principal with { Attributes = attributes };
    }

    private static Dictionary<string, object?> ContextOf(IReadOnlyDictionary<string, object?>? context) =>
        new(context ?? new Dictionary<string, object?>(), StringComparer.Ordinal);

    private static Membership? Belongs(Membership? membership, RequestedPrincipal request, string teamId) =>
        membership is not null
        && string.Equals(membership.TenantId, request.TenantId, StringComparison.Ordinal)
        && string.Equals(membership.PrincipalId, request.PrincipalId, StringComparison.Ordinal)
        && string.Equals(membership.TeamId, teamId, StringComparison.Ordinal)
            ? membership
            : null;
}
