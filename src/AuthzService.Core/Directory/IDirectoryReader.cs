namespace AuthzService.Core.Directory;

/// <summary>Reads what is needed to build one tenant-scoped principal.</summary>
public interface IDirectoryReader
{
    /// <summary>
    /// Reads the tenant, the tenant-wide membership, the membership in <paramref name="teamId"/> (if given),
    /// the tenant and principal versions and the policy epoch in one round trip, from one snapshot.
    /// Only rows of exactly this tenant (and team) are returned.
    /// </summary>
    Task<PrincipalSnapshot> ReadPrincipalAsync(
        string tenantId, string principalId, string? teamId, CancellationToken cancellationToken);
}
