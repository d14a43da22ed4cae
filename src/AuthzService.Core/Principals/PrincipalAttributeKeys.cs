namespace AuthzService.Core.Principals;

/// <summary>Principal attribute keys the service owns; membership attributes can never override them.</summary>
public static class PrincipalAttributeKeys
{
    public const string TenantId = "tenant_id";
    public const string TeamId = "team_id";
    public const string TenantTier = "tenant_tier";
    public const string TenantStatus = "tenant_status";
    public const string Context = "context";

    /// <summary>The role given when the principal has no roles in the tenant (Cerbos needs at least one).</summary>
    public const string NonMemberRole = "non_member";

    /// <summary>
    /// Roles named <c>team_*</c> only make sense inside a team (policies pair them with <c>P.attr.team_id</c>):
    /// they count only from a team membership, and a tenant-wide membership may not hold them.
    /// </summary>
    public const string TeamRolePrefix = "team_";

    /// <summary>Whether <paramref name="role"/> is a team role (see <see cref="TeamRolePrefix"/>; case-sensitive, as roles are).</summary>
    public static bool IsTeamRole(string role) => role.StartsWith(TeamRolePrefix, StringComparison.Ordinal);

    public static IReadOnlySet<string> Reserved { get; } =
        new HashSet<string>([TenantId, TeamId, TenantTier, TenantStatus, Context], StringComparer.Ordinal);
}
