using AuthzService.Core.Decisions;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Principals;
using Microsoft.Extensions.Options;

namespace AuthzService.Core.Caching;

/// <summary>
/// Caches built principals in L1, keyed by tenant, principal and team. Entries die with the
/// notifications of <see cref="PrincipalCacheInvalidation"/>; a caller's consistency token (read-your-writes)
/// or <c>fully_consistent</c> forces a re-read; while notifications are not being received an entry is
/// served for at most <see cref="CacheOptions.DegradedPrincipalTtl"/>.
/// </summary>
/// <remarks>
/// Only successfully built principals are cached (unknown and suspended tenants are re-read each time, so
/// creating or re-activating a tenant is seen at once). The request's principal context is not part of
/// the key: it is re-applied to the cached principal on every hit.
/// </remarks>
public sealed class CachingPrincipalSource : IPrincipalSource
{
    private readonly IPrincipalSource _inner;
    private readonly PrincipalCacheInvalidation _generations;
    private readonly ILocalCache _cache;
    private readonly IInvalidationChannel _channel;
    private readonly IOptions<CacheOptions> _options;
    private readonly CacheMetrics _metrics;
    private readonly TimeProvider _time;

    public CachingPrincipalSource(
        IPrincipalSource inner,
        PrincipalCacheInvalidation generations,
        ILocalCache cache,
        IInvalidationChannel channel,
        IOptions<CacheOptions> options,
        CacheMetrics metrics,
        TimeProvider? time = null)
    {
        _inner = inner;
        _generations = generations;
        _cache = cache;
        _channel = channel;
        _options = options;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
    }

    public async ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(freshness);
        var key = new PrincipalCacheKey(request.TenantId, request.PrincipalId, request.TeamId ?? string.Empty);

        // Captured before the read: a change notified while we read makes what we store stale at once.
        var generations = _generations.Current(request.TenantId, request.PrincipalId);
        var listening = _channel.IsListening;
        var options = _options.Value;
        if (!freshness.BypassCache && _cache.TryGet<CachedPrincipal>(key, out var entry) && entry is not null)
        {
            if (entry.Generations != generations)
            {
                _cache.Remove(key);
                _metrics.Evicted(CacheLevels.Principal, "notified");
            }
            else if (!listening && _time.GetUtcNow() - entry.StoredAt > options.DegradedPrincipalTtl)
            {
                _cache.Remove(key);
                _metrics.Evicted(CacheLevels.Principal, "degraded");
            }
            else if (Satisfies(entry.Principal, freshness))
            {
                _metrics.Hit(CacheLevels.L1, CacheLevels.Principal);
                return new PrincipalBuildResult(PrincipalBuildOutcome.Built, PrincipalBuilder.WithContext(entry.Principal, request.Context));
            }
        }

        _metrics.Miss(CacheLevels.L1, CacheLevels.Principal);
        var result = await _inner.GetAsync(request, freshness, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == PrincipalBuildOutcome.Built && result.Principal is { } principal)
        {
            _cache.Store(key, new CachedPrincipal(principal, generations, _time.GetUtcNow()), listening ? options.Ttl : options.DegradedPrincipalTtl);
        }

        return result;
    }

    /// <summary>Read-your-writes: the cached principal is at least as new as the caller's token demands.</summary>
    public static bool Satisfies(BuiltPrincipal principal, Freshness freshness)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(freshness);
        return principal.PrincipalVersion >= freshness.MinPrincipalVersion
            && principal.TenantVersion >= freshness.MinTenantVersion
            && principal.PolicyEpoch >= freshness.MinPolicyEpoch;
    }
}
