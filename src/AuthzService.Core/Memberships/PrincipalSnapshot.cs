namespace AuthzService.Core.Memberships;

/// <summary>
/// Everything the principal builder needs, read in one consistent round trip.
/// Versions are 0 when nothing has been written yet.
/// </summary>
/// <param name="Tenant">The tenant row, or null when the tenant does not exist.</param>
/// <param name="TenantWide">The tenant-wide membership of the principal in this tenant, or null.</param>
/// <param name="Team">The membership in the requested team of this tenant, or null (also null when no team was asked for).</param>
public sealed record PrincipalSnapshot(
    TenantInfo? Tenant,
    Membership? TenantWide,
    Membership? Team,
    long TenantVersion,
    long PrincipalVersion,
    long PolicyEpoch);
