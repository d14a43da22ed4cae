using System.Runtime.CompilerServices;
using AuthzService.Contracts.V1;
using Grpc.Core;

namespace AuthzService.Client;

// The MembershipService RPCs (directory writes and reads), kept apart from the decision calls.
public sealed partial class AuthzClient
{
    /// <summary>Creates or replaces a tenant. Idempotent.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<UpsertTenantResponse> UpsertTenantAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return CallAsync(new UpsertTenantRequest { Tenant = tenant }, _membership.UpsertTenantAsync, cancellationToken);
    }

    /// <summary>Deletes a tenant with its teams and memberships. Idempotent: <c>Deleted</c> is false when there was nothing to delete.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<DeleteTenantResponse> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        CallAsync(new DeleteTenantRequest { TenantId = tenantId ?? string.Empty }, _membership.DeleteTenantAsync, cancellationToken);

    /// <summary>Reads one tenant; null when it does not exist.</summary>
    /// <exception cref="AuthzException">The call failed for another reason.</exception>
    public async Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await CallAsync(
                new GetTenantRequest { TenantId = tenantId ?? string.Empty }, _membership.GetTenantAsync, cancellationToken).ConfigureAwait(false);
            return response.Tenant;
        }
        catch (AuthzException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>One page of tenants in id order.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<ListTenantsResponse> ListTenantsAsync(ListTenantsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(request, _membership.ListTenantsAsync, cancellationToken);

    /// <summary>Every tenant in id order, fetching pages as the enumeration goes (each page has its own deadline).</summary>
    /// <exception cref="AuthzException">A page call failed.</exception>
    public async IAsyncEnumerable<Tenant> ListAllTenantsAsync(int pageSize = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = string.Empty;
        do
        {
            var page = await ListTenantsAsync(new ListTenantsRequest { PageSize = pageSize, PageToken = token }, cancellationToken).ConfigureAwait(false);
            foreach (var tenant in page.Tenants)
            {
                yield return tenant;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>Creates or replaces one membership (tenant-wide when <c>TeamId</c> is empty). Idempotent.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<UpsertMembershipResponse> UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return CallAsync(new UpsertMembershipRequest { Membership = membership }, _membership.UpsertMembershipAsync, cancellationToken);
    }

    /// <summary>Removes one membership (the tenant-wide one when <paramref name="teamId"/> is empty). Idempotent.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<DeleteMembershipResponse> DeleteMembershipAsync(
        string tenantId, string principalId, string? teamId = null, CancellationToken cancellationToken = default) =>
        CallAsync(
            new DeleteMembershipRequest { TenantId = tenantId ?? string.Empty, PrincipalId = principalId ?? string.Empty, TeamId = teamId ?? string.Empty },
            _membership.DeleteMembershipAsync,
            cancellationToken);

    /// <summary>One page of a tenant's memberships, ordered by principal then team.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<ListMembershipsResponse> ListMembershipsAsync(ListMembershipsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(request, _membership.ListMembershipsAsync, cancellationToken);

    /// <summary>Every membership of a tenant (optionally of one principal), fetching pages as the enumeration goes.</summary>
    /// <exception cref="AuthzException">A page call failed.</exception>
    public async IAsyncEnumerable<Membership> ListAllMembershipsAsync(
        string tenantId, string? principalId = null, int pageSize = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = string.Empty;
        do
        {
            var request = new ListMembershipsRequest
            {
                TenantId = tenantId ?? string.Empty,
                PrincipalId = principalId ?? string.Empty,
                PageSize = pageSize,
                PageToken = token,
            };
            var page = await ListMembershipsAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var membership in page.Memberships)
            {
                yield return membership;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }
}
