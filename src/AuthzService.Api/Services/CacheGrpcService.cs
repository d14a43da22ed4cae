using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Memberships;
using Grpc.Core;

namespace AuthzService.Api.Services;

/// <summary>
/// <c>authz.v1.CacheService</c>: invalidation bumps version stamps in PostgreSQL, so every replica's
/// cache keys change at once (no key scans) and the change is broadcast by NOTIFY. This replica's
/// in-process caches are told directly as well, so it never waits for its own notification.
/// </summary>
internal sealed class CacheGrpcService(IDirectoryWriter directory, IInvalidationSink local) : CacheService.CacheServiceBase
{
    public override async Task<InvalidateResponse> Invalidate(InvalidateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (request.ScopeCase == InvalidateRequest.ScopeOneofCase.Principal)
        {
            var p = request.Principal;
            var version = await directory.BumpPrincipalAsync(p.TenantId, p.PrincipalId, ct);
            local.OnPrincipalChanged(p.TenantId, p.PrincipalId, version);
            return Response(version, new ConsistencyToken(p.TenantId, p.PrincipalId, 0, version, 0));
        }

        if (request.ScopeCase == InvalidateRequest.ScopeOneofCase.Tenant)
        {
            var version = await directory.BumpTenantAsync(request.Tenant.TenantId, ct);
            local.OnTenantChanged(request.Tenant.TenantId, version);
            return Response(version, new ConsistencyToken(request.Tenant.TenantId, string.Empty, version, 0, 0));
        }

        var epoch = await directory.BumpPolicyEpochAsync("invalidate", ct);
        local.OnPolicyEpochChanged(epoch);
        return Response(epoch, new ConsistencyToken(string.Empty, string.Empty, 0, 0, epoch));
    }

    private static InvalidateResponse Response(long version, ConsistencyToken token) =>
        new() { GenerationsBumped = 1, NewVersion = version, ConsistencyToken = token.Encode() };
}
