using AuthzService.Api.Mapping;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using AuthzService.Core.Directory;
using AuthzService.Grpc;
using AuthzService.Grpc.Server;
using FluentValidation;

namespace AuthzService.Api.Services;

/// <summary><c>authz.v1.MembershipService</c>: directory writes, each transactional and idempotent.</summary>
internal sealed class MembershipGrpcService(IDirectoryWriter directory, IServiceProvider validators) : IGrpcService<MembershipGrpcService>
{
    public const string ServiceName = "authz.v1.MembershipService";
    private const int DefaultPageSize = 100;

    public static void BindService(GrpcServiceBinder<MembershipGrpcService> binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder
            .AddUnaryMethod<UpsertTenantRequest, UpsertTenantResponse>(ServiceName, "UpsertTenant", UpsertTenantRequest.Parser, (s, r, c) => s.UpsertTenantAsync(r, c))
            .AddUnaryMethod<DeleteTenantRequest, DeleteTenantResponse>(ServiceName, "DeleteTenant", DeleteTenantRequest.Parser, (s, r, c) => s.DeleteTenantAsync(r, c))
            .AddUnaryMethod<GetTenantRequest, GetTenantResponse>(ServiceName, "GetTenant", GetTenantRequest.Parser, (s, r, c) => s.GetTenantAsync(r, c))
            .AddUnaryMethod<ListTenantsRequest, ListTenantsResponse>(ServiceName, "ListTenants", ListTenantsRequest.Parser, (s, r, c) => s.ListTenantsAsync(r, c))
            .AddUnaryMethod<UpsertMembershipRequest, UpsertMembershipResponse>(ServiceName, "UpsertMembership", UpsertMembershipRequest.Parser, (s, r, c) => s.UpsertMembershipAsync(r, c))
            .AddUnaryMethod<DeleteMembershipRequest, DeleteMembershipResponse>(ServiceName, "DeleteMembership", DeleteMembershipRequest.Parser, (s, r, c) => s.DeleteMembershipAsync(r, c))
            .AddUnaryMethod<ListMembershipsRequest, ListMembershipsResponse>(ServiceName, "ListMemberships", ListMembershipsRequest.Parser, (s, r, c) => s.ListMembershipsAsync(r, c));
    }

    public async Task<UpsertTenantResponse> UpsertTenantAsync(UpsertTenantRequest request, ServerCallContext context)
    {
        Validate(request);
        var tenant = DirectoryMapping.ToDomain(request.Tenant);
        var result = await directory.UpsertTenantAsync(tenant, context.CancellationToken);
        return new UpsertTenantResponse
        {
            Tenant = DirectoryMapping.ToProto(tenant),
            Created = result.Created,
            ConsistencyToken = DirectoryMapping.TenantToken(tenant.Id, result.Version),
        };
    }

    public async Task<DeleteTenantResponse> DeleteTenantAsync(DeleteTenantRequest request, ServerCallContext context)
    {
        Validate(request);
        var result = await directory.DeleteTenantAsync(request.TenantId, context.CancellationToken);
        return new DeleteTenantResponse { Deleted = result.Changed, ConsistencyToken = DirectoryMapping.TenantToken(request.TenantId, result.Version) };
    }

    public async Task<GetTenantResponse> GetTenantAsync(GetTenantRequest request, ServerCallContext context)
    {
        Validate(request);
        var tenant = await directory.GetTenantAsync(request.TenantId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "tenant_id: no such tenant"));
        return new GetTenantResponse { Tenant = DirectoryMapping.ToProto(tenant) };
    }

    public async Task<ListTenantsResponse> ListTenantsAsync(ListTenantsRequest request, ServerCallContext context)
    {
        Validate(request);
        var page = await directory.ListTenantsAsync(PageSize(request.PageSize), NullIfEmpty(request.PageToken), context.CancellationToken);
        var response = new ListTenantsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Tenants.AddRange(page.Items.Select(DirectoryMapping.ToProto));
        return response;
    }

    public async Task<UpsertMembershipResponse> UpsertMembershipAsync(UpsertMembershipRequest request, ServerCallContext context)
    {
        Validate(request);
        var membership = DirectoryMapping.ToDomain(request.Membership);
        var result = await directory.UpsertMembershipAsync(membership, context.CancellationToken);
        return new UpsertMembershipResponse
        {
            Membership = DirectoryMapping.ToProto(membership),
            Created = result.Created,
            ConsistencyToken = DirectoryMapping.PrincipalToken(membership.TenantId, membership.PrincipalId, result.Version),
        };
    }

    public async Task<DeleteMembershipResponse> DeleteMembershipAsync(DeleteMembershipRequest request, ServerCallContext context)
    {
        Validate(request);
        var result = await directory.DeleteMembershipAsync(
            request.TenantId, request.PrincipalId, NullIfEmpty(request.TeamId), context.CancellationToken);
        return new DeleteMembershipResponse
        {
            Deleted = result.Changed,
            ConsistencyToken = DirectoryMapping.PrincipalToken(request.TenantId, request.PrincipalId, result.Version),
        };
    }

    public async Task<ListMembershipsResponse> ListMembershipsAsync(ListMembershipsRequest request, ServerCallContext context)
    {
        Validate(request);
        var page = await directory.ListMembershipsAsync(
            request.TenantId, NullIfEmpty(request.PrincipalId), PageSize(request.PageSize), NullIfEmpty(request.PageToken), context.CancellationToken);
        var response = new ListMembershipsResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Memberships.AddRange(page.Items.Select(DirectoryMapping.ToProto));
        return response;
    }

    private void Validate<T>(T request) => validators.GetRequiredService<IValidator<T>>().ThrowIfInvalid(request);

    private static int PageSize(int requested) => requested == 0 ? DefaultPageSize : requested;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
