using AuthzService.Contracts.V1;

namespace AuthzService.Api.Security;

/// <summary>Which tenant a request is about, for the tenant binding of callers.</summary>
internal static class RequestTenant
{
    /// <summary>
    /// The tenant the request names ("" when it names none although it should); null for a request that spans
    /// every tenant (<c>ListTenants</c>, <c>Invalidate</c> of policies, a streaming call) and for any request type not listed here,
    /// so a method added later is refused to tenant-bound callers until it is listed.
    /// </summary>
    public static string? Of(object? request) => request switch
    {
        CheckResourcesRequest r => r.TenantId,
        PlanResourcesRequest r => r.TenantId,
        UpsertTenantRequest r => r.Tenant?.Id ?? string.Empty,
        DeleteTenantRequest r => r.TenantId,
        GetTenantRequest r => r.TenantId,
        UpsertMembershipRequest r => r.Membership?.TenantId ?? string.Empty,
        DeleteMembershipRequest r => r.TenantId,
        ListMembershipsRequest r => r.TenantId,
        InvalidateRequest { ScopeCase: InvalidateRequest.ScopeOneofCase.Principal } r => r.Principal.TenantId,
        InvalidateRequest { ScopeCase: InvalidateRequest.ScopeOneofCase.Tenant } r => r.Tenant.TenantId,
        _ => null,
    };

    /// <summary>Whether the request asks for decision metadata (the principal as built, matched policies).</summary>
    public static bool AsksForMeta(object? request) => request switch
    {
        CheckResourcesRequest r => r.IncludeMeta,
        PlanResourcesRequest r => r.IncludeMeta,
        _ => false,
    };
}
