namespace AuthzService.Core.Decisions;

/// <summary>Why AuthzService denied every action of a resource without asking the PDP.</summary>
public enum DenyReason
{
    None = 0,
    CrossTenant = 1,
    TenantSuspended = 2,
    TenantUnknown = 3,
}
