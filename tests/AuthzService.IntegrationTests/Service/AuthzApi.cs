using AuthzService.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// The public API as end-to-end tests use it: one typed call per RPC (the generated clients on the instance's
/// Grpc.Net.Client channel, so every byte crosses the wire) and builders for the requests the policies in
/// cerbos-policies/ understand.
/// </summary>
internal static class AuthzApi
{
    public const string AuthorizationServiceName = "authz.v1.AuthorizationService";
    public const string MembershipServiceName = "authz.v1.MembershipService";
    public const string CacheServiceName = "authz.v1.CacheService";

    /// <summary>
    /// The check, retried while it is UNAVAILABLE (a dependency coming back: the Cerbos circuit half-opens after its
    /// break duration, the PostgreSQL pool reconnects) until it answers or the timeout passes.
    /// </summary>
    public static Task<CheckResourcesResponse> EventuallyAllowedAsync(AuthzServiceInstance service, CheckResourcesRequest request, TimeSpan timeout) =>
        Eventually.ReturnsAsync(
            () => service.CheckAsync(request),
            ex => ex is RpcException { StatusCode: StatusCode.Unavailable },
            timeout,
            TimeSpan.FromMilliseconds(100));

    public static Task<CheckResourcesResponse> CheckAsync(this AuthzServiceInstance service, CheckResourcesRequest request) =>
        AuthorizationClient(service).CheckResourcesAsync(request, Deadline()).ResponseAsync;

    public static Task<PlanResourcesResponse> PlanAsync(this AuthzServiceInstance service, PlanResourcesRequest request) =>
        AuthorizationClient(service).PlanResourcesAsync(request, Deadline()).ResponseAsync;

    public static Task<UpsertTenantResponse> UpsertTenantAsync(this AuthzServiceInstance service, UpsertTenantRequest request) =>
        MembershipClient(service).UpsertTenantAsync(request, Deadline()).ResponseAsync;

    public static Task<UpsertTenantResponse> UpsertTenantAsync(
        this AuthzServiceInstance service, string id, string scope = "", string tier = "pro", TenantStatus status = TenantStatus.Active) =>
        service.UpsertTenantAsync(new UpsertTenantRequest
        {
            Tenant = new Tenant { Id = id, DisplayName = "Tenant " + id, CerbosScope = scope, Tier = tier, Status = status },
        });

    public static Task<DeleteTenantResponse> DeleteTenantAsync(this AuthzServiceInstance service, DeleteTenantRequest request) =>
        MembershipClient(service).DeleteTenantAsync(request, Deadline()).ResponseAsync;

    public static Task<GetTenantResponse> GetTenantAsync(this AuthzServiceInstance service, GetTenantRequest request) =>
        MembershipClient(service).GetTenantAsync(request, Deadline()).ResponseAsync;

    public static Task<ListTenantsResponse> ListTenantsAsync(this AuthzServiceInstance service, ListTenantsRequest request) =>
        MembershipClient(service).ListTenantsAsync(request, Deadline()).ResponseAsync;

    public static Task<UpsertMembershipResponse> UpsertMembershipAsync(this AuthzServiceInstance service, UpsertMembershipRequest request) =>
        MembershipClient(service).UpsertMembershipAsync(request, Deadline()).ResponseAsync;

    /// <summary>Grants <paramref name="roles"/> to a principal tenant-wide (<paramref name="team"/> empty) or in a team.</summary>
    public static Task<UpsertMembershipResponse> GrantAsync(
        this AuthzServiceInstance service, string tenant, string principal, string team, params string[] roles) =>
        service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = Membership(tenant, principal, team, roles) });

    public static Task<DeleteMembershipResponse> DeleteMembershipAsync(this AuthzServiceInstance service, DeleteMembershipRequest request) =>
        MembershipClient(service).DeleteMembershipAsync(request, Deadline()).ResponseAsync;

    public static Task<ListMembershipsResponse> ListMembershipsAsync(this AuthzServiceInstance service, ListMembershipsRequest request) =>
        MembershipClient(service).ListMembershipsAsync(request, Deadline()).ResponseAsync;

    public static Task<InvalidateResponse> InvalidateAsync(this AuthzServiceInstance service, InvalidateRequest request) =>
        new CacheService.CacheServiceClient(service.Channel).InvalidateAsync(request, Deadline()).ResponseAsync;

    private static AuthorizationService.AuthorizationServiceClient AuthorizationClient(AuthzServiceInstance service) => new(service.Channel);

    private static MembershipService.MembershipServiceClient MembershipClient(AuthzServiceInstance service) => new(service.Channel);

    // The deadline the old fixture gave every call.
    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.AddSeconds(10));

    public static Membership Membership(string tenant, string principal, string team, params string[] roles) =>
        new() { TenantId = tenant, PrincipalId = principal, TeamId = team, Roles = { roles } };

    /// <summary>A resource carrying the attributes every policy requires (tenant_id, owner_id).</summary>
    public static Resource Resource(string kind, string id, string tenant, string owner = "someone-else", string? team = null)
    {
        var resource = new Resource { Kind = kind, Id = id };
        resource.Attr["tenant_id"] = Value.ForString(tenant);
        resource.Attr["owner_id"] = Value.ForString(owner);
        if (team is not null)
        {
            resource.Attr["team_id"] = Value.ForString(team);
        }

        return resource;
    }

    public static ResourceEntry Entry(Resource resource, params string[] actions) => new() { Resource = resource, Actions = { actions } };

    public static CheckResourcesRequest Check(string tenant, string principal, params ResourceEntry[] entries) =>
        new() { RequestId = "e2e-" + Guid.NewGuid().ToString("N")[..8], TenantId = tenant, PrincipalId = principal, Resources = { entries } };

    /// <summary>One resource of <paramref name="kind"/> in <paramref name="tenant"/>, owned by someone else.</summary>
    public static CheckResourcesRequest Check(string tenant, string principal, string kind, params string[] actions) =>
        Check(tenant, principal, Entry(Resource(kind, kind + "-1", tenant), actions));

    public static PlanResourcesRequest Plan(string tenant, string principal, string kind, params string[] actions) =>
        new()
        {
            RequestId = "e2e-" + Guid.NewGuid().ToString("N")[..8],
            TenantId = tenant,
            PrincipalId = principal,
            Resource = new PlanResource { Kind = kind },
            Actions = { actions },
        };

    /// <summary>A unique id so tests that change state never share it with a test running in parallel.</summary>
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
