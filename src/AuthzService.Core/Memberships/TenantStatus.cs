namespace AuthzService.Core.Memberships;

/// <summary>Whether a tenant may be authorized at all. Stored as 'active' / 'suspended'.</summary>
public enum TenantStatus
{
    Active = 0,
    Suspended = 1,
}
