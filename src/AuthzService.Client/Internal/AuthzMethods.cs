namespace AuthzService.Client.Internal;

/// <summary>Full gRPC method names of the AuthzService API.</summary>
internal static class AuthzMethods
{
    public const string CheckResources = "/authz.v1.AuthorizationService/CheckResources";
    public const string PlanResources = "/authz.v1.AuthorizationService/PlanResources";
    public const string UpsertTenant = "/authz.v1.MembershipService/UpsertTenant";
    public const string DeleteTenant = "/authz.v1.MembershipService/DeleteTenant";
    public const string GetTenant = "/authz.v1.MembershipService/GetTenant";
    public const string ListTenants = "/authz.v1.MembershipService/ListTenants";
    public const string UpsertMembership = "/authz.v1.MembershipService/UpsertMembership";
    public const string DeleteMembership = "/authz.v1.MembershipService/DeleteMembership";
    public const string ListMemberships = "/authz.v1.MembershipService/ListMemberships";
    public const string Invalidate = "/authz.v1.CacheService/Invalidate";
    public const string HealthCheck = "/grpc.health.v1.Health/Check";
}
