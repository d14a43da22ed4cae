using AuthzService.Contracts;
using AuthzService.Core.Caching;
using AuthzService.Core.Memberships;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.Api.Mapping;

/// <summary>Maps tenants and memberships between the wire and the domain.</summary>
internal static class DirectoryMapping
{
    public const string DefaultTier = "free";

    public static TenantInfo ToDomain(V1.Tenant tenant) => new(
        tenant.Id,
        tenant.DisplayName,
        tenant.CerbosScope,
        tenant.Status == V1.TenantStatus.Suspended ? TenantStatus.Suspended : TenantStatus.Active,
        tenant.Tier.Length == 0 ? DefaultTier : tenant.Tier);

    public static V1.Tenant ToProto(TenantInfo tenant) => new()
    {
        Id = tenant.Id,
        DisplayName = tenant.DisplayName,
        CerbosScope = tenant.CerbosScope,
        Status = tenant.Status == TenantStatus.Suspended ? V1.TenantStatus.Suspended : V1.TenantStatus.Active,
        Tier = tenant.Tier,
    };

    public static Membership ToDomain(V1.Membership membership) => new(
        membership.TenantId,
        membership.PrincipalId,
        membership.TeamId,
        [.. membership.Roles],
        ProtoValues.ToDictionary(membership.Attr));

    public static V1.Membership ToProto(Membership membership)
    {
        var result = new V1.Membership
        {
            TenantId = membership.TenantId,
            PrincipalId = membership.PrincipalId,
            TeamId = membership.TeamId,
        };
        result.Roles.AddRange(membership.Roles);
        ProtoValues.CopyTo(membership.Attributes, result.Attr);
        return result;
    }

    public static string TenantToken(string tenantId, long tenantVersion) =>
        new ConsistencyToken(tenantId, string.Empty, tenantVersion, 0, 0).Encode();

    public static string PrincipalToken(string tenantId, string principalId, long principalVersion) =>
        new ConsistencyToken(tenantId, principalId, 0, principalVersion, 0).Encode();
}
