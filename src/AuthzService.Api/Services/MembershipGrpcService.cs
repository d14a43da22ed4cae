using AuthzService.Api.Mapping;
using AuthzService.Contracts.V1;
using AuthzService.Core.Memberships;
using Grpc.Core;

namespace AuthzService.Api.Services;

/// <summary>
/// <c>authz.v1.MembershipService</c>: directory writes (each transactional and idempotent) and the listing reads.
/// Requests arrive validated; the admin audit and status mapping run as interceptors around it.
/// </summary>
internal sealed class MembershipGrpcService(IDirectoryReader reader, IDirectoryWriter writer) : MembershipService.MembershipServiceBase
{
    private const int DefaultPageSize = 100;

    public override async Task<UpsertTenantResponse> UpsertTenant(UpsertTenantRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var tenant = DirectoryMapping.ToDomain(request.Tenant);
        var result = await writer.UpsertTenantAsync(tenant, context.CancellationToken);
        return new UpsertTenantResponse
        {
            Tenant = DirectoryMapping.ToProto(tenant),
            Created = result.Created,
            ConsistencyToken = DirectoryMapping.TenantToken(tenant.Id, result.Version),
        };
    }

    public override async Task<DeleteTenantResponse> DeleteTenant(DeleteTenantRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var result = await writer.DeleteTenantAsync(request.TenantId, context.CancellationToken);
        return new DeleteTenantResponse { Deleted = result.Changed, ConsistencyToken = DirectoryMapping.TenantToken(request.TenantId, result.Version) };
    }

    public override async Task<GetTenantResponse> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var tenant = await reader.GetTenantAsync(request.TenantId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "tenant_id: no such tenant"));
        return new GetTenantResponse { Tenant = DirectoryMapping.ToProto(tenant) };
    }

    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var page = await reader.ListTenantsAsync(PageSize(request.PageSize), NullIfEmpty(request.PageToken), context.CancellationToken);
        var response = new ListTenantsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Tenants.AddRange(page.Items.Select(DirectoryMapping.ToProto));
        return response;
    }

    public override async Task<UpsertMembershipResponse> UpsertMembership(UpsertMembershipRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var membership = DirectoryMapping.ToDomain(request.Membership);
        var result = await writer.UpsertMembershipAsync(membership, context.CancellationToken);
        return new UpsertMembershipResponse
        {
            Membership = DirectoryMapping.ToProto(membership),
            Created = result.Created,
            ConsistencyToken = DirectoryMapping.PrincipalToken(membership.TenantId, membership.PrincipalId, result.Version),
        };
    }

    public override async Task<DeleteMembershipResponse> DeleteMembership(DeleteMembershipRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var result = await writer.DeleteMembershipAsync(
            request.TenantId, request.PrincipalId, NullIfEmpty(request.TeamId), context.CancellationToken);
        return new DeleteMembershipResponse
        {
            Deleted = result.Changed,
            ConsistencyToken = DirectoryMapping.PrincipalToken(request.TenantId, request.PrincipalId, result.Version),
        };
    }

    public override async Task<ListMembershipsResponse> ListMemberships(ListMembershipsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var page = await reader.ListMembershipsAsync(
            request.TenantId, NullIfEmpty(request.PrincipalId), PageSize(request.PageSize), NullIfEmpty(request.PageToken), context.CancellationToken);
        var response = new ListMembershipsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Memberships.AddRange(page.Items.Select(DirectoryMapping.ToProto));
        return response;
    }

    private static int PageSize(int requested) => requested == 0 ? DefaultPageSize : requested;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
