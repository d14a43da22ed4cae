namespace AuthzService.Core.Memberships;

/// <summary>
/// The directory's read port: what is needed to build one tenant-scoped principal, and the pages the
/// administration API lists. Writes are <see cref="IDirectoryWriter"/>'s.
/// </summary>
public interface IDirectoryReader
{
    /// <summary>
    /// Reads the tenant, the tenant-wide membership, the membership in <paramref name="teamId"/> (if given),
    /// the tenant and principal versions and the policy epoch in one round trip, from one snapshot.
    /// Only rows of exactly this tenant (and team) are returned.
    /// </summary>
    Task<PrincipalSnapshot> ReadPrincipalAsync(
        string tenantId, string principalId, string? teamId, CancellationToken cancellationToken);

    /// <summary>Memberships of a tenant (optionally of one principal) ordered by (principal_id, team_id).</summary>
    Task<MembershipPage> ListMembershipsAsync(
        string tenantId, string? principalId, int pageSize, string? pageToken, CancellationToken cancellationToken);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Tenants ordered by id.</summary>
    Task<TenantPage> ListTenantsAsync(int pageSize, string? pageToken, CancellationToken cancellationToken);
}
