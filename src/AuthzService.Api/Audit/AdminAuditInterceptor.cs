using AuthzService.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Audit;

/// <summary>
/// One audit event per MembershipService and CacheService call, with the status the caller gets: the outermost
/// interceptor that reads requests, so calls refused by limits, bindings or validation are audited too. Only
/// identifiers are recorded: membership attributes may hold anything and stay out of the trail.
/// </summary>
internal sealed class AdminAuditInterceptor(AuditTrail trail) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (Describe(request) is not { } target)
        {
            return await continuation(request, context);
        }

        var status = StatusCode.OK;
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex)
        {
            // Inner interceptors have mapped domain failures already; anything else ends UNKNOWN.
            status = ex switch
            {
                RpcException rpc => rpc.StatusCode,
                OperationCanceledException => StatusCode.Cancelled,
                _ => StatusCode.Unknown,
            };
            throw;
        }
        finally
        {
            AuditLog.Admin(
                trail.Logger, context.Method, status.ToString(), AuditTrail.CallerOf(context), target.Tenant, target.Principal,
                target.Team, target.Scope, AuditTrail.Now());
        }
    }

    /// <summary>What an admin request touches; null for requests that are not admin calls.</summary>
    internal static (string Tenant, string Principal, string Team, string Scope)? Describe(object? request) => request switch
    {
        UpsertTenantRequest r => (r.Tenant?.Id ?? string.Empty, string.Empty, string.Empty, "tenant"),
        DeleteTenantRequest r => (r.TenantId, string.Empty, string.Empty, "tenant"),
        GetTenantRequest r => (r.TenantId, string.Empty, string.Empty, "tenant"),
        ListTenantsRequest => (string.Empty, string.Empty, string.Empty, "tenants"),
        UpsertMembershipRequest r => (r.Membership?.TenantId ?? string.Empty, r.Membership?.PrincipalId ?? string.Empty, r.Membership?.TeamId ?? string.Empty, "membership"),
        DeleteMembershipRequest r => (r.TenantId, r.PrincipalId, r.TeamId, "membership"),
        ListMembershipsRequest r => (r.TenantId, r.PrincipalId, string.Empty, "memberships"),
        InvalidateRequest r => r.ScopeCase switch
        {
            InvalidateRequest.ScopeOneofCase.Principal => (r.Principal.TenantId, r.Principal.PrincipalId, string.Empty, "invalidate_principal"),
            InvalidateRequest.ScopeOneofCase.Tenant => (r.Tenant.TenantId, string.Empty, string.Empty, "invalidate_tenant"),
            _ => (string.Empty, string.Empty, string.Empty, "invalidate_policies"),
        },
        _ => null,
    };
}
