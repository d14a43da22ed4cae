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

    public static IReadOnlySet<string> Reserved { get; } =
        new HashSet<string>([TenantId, TeamId, TenantTier, TenantStatus, Context], StringComparer.Ordinal);
}
