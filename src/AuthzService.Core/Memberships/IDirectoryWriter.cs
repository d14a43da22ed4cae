namespace AuthzService.Core.Memberships;

/// <summary>
/// Idempotent directory writes. Every write that changes something bumps the matching version
/// (and notifies other replicas), so cached decisions built from the old state are never reused.
/// </summary>
public interface IDirectoryWriter
{
    /// <summary>Creates or updates a tenant. Returns the tenant version after the write.</summary>
    Task<WriteResult> UpsertTenantAsync(TenantInfo tenant, CancellationToken cancellationToken);

    /// <summary>Deletes a tenant with its teams and memberships; deleting a missing tenant is not an error.</summary>
    Task<WriteResult> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces a membership. The tenant must exist (<see cref="DirectoryErrorCode.TenantNotFound"/>);
    /// a team membership creates its team row in the same tenant if missing.
    /// Returns the principal version after the write.
    /// </summary>
    Task<WriteResult> UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken);

    /// <summary>Deletes one membership (teamId null or "" = tenant-wide); deleting a missing one is not an error.</summary>
    Task<WriteResult> DeleteMembershipAsync(
        string tenantId, string principalId, string? teamId, CancellationToken cancellationToken);

    /// <summary>Bumps a principal's version in a tenant (explicit invalidation). Returns the new version.</summary>
    Task<long> BumpPrincipalAsync(string tenantId, string principalId, CancellationToken cancellationToken);

    /// <summary>Bumps a tenant's version (explicit invalidation). Returns the new version.</summary>
    Task<long> BumpTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Bumps the global policy epoch, optionally labelled (e.g. a policy bundle id). Returns the new epoch.</summary>
    Task<long> BumpPolicyEpochAsync(string? label, CancellationToken cancellationToken);
}
