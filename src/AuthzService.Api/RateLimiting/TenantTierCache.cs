using System.Collections.Concurrent;
using AuthzService.Core.Directory;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Tenant to tier, read through <see cref="IDirectoryWriter.GetTenantAsync"/> and remembered for
/// <see cref="RateLimitOptions.TierCacheTtl"/>, so the rate limiter costs one directory read per tenant
/// per TTL however hard that tenant calls. Concurrent misses share one read. When the directory cannot
/// answer, the tenant gets the default limit (never an error: the limit is not a security boundary).
/// Unknown tenants are remembered too, bounded in number, so random tenant ids cannot turn into reads.
/// </summary>
internal sealed partial class TenantTierCache(IDirectoryWriter directory, IOptions<RateLimitOptions> options, TimeProvider time, ILogger<TenantTierCache> logger)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.TierCacheTtl;

    /// <summary>The tenant's tier; "" when it has none, does not exist or cannot be read now.</summary>
    public async ValueTask<string> GetTierAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.Expires > now)
        {
            return entry.Tier.IsCompletedSuccessfully ? entry.Tier.Result : await entry.Tier;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var fresh = new Entry(ReadAsync(tenantId), now + _ttl);
        entry = _entries.AddOrUpdate(tenantId, fresh, (_, old) => old.Expires > now ? old : fresh);
        return await entry.Tier.WaitAsync(cancellationToken);
    }

    private async Task<string> ReadAsync(string tenantId)
    {
        try
        {
            // Not the caller's token: a shared read must not fail for everyone because its first caller left.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var tenant = await directory.GetTenantAsync(tenantId, timeout.Token);
            return tenant?.Tier ?? string.Empty;
        }
#pragma warning disable CA1031 // Any failure means "default limit"; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Remembered like a real answer until the TTL ends, so an outage does not make every call wait on a read.
            TierLookupFailed(logger, tenantId, ex.GetType().Name);
            return string.Empty;
        }
    }

    [LoggerMessage(4001, LogLevel.Debug, "Tier of tenant {TenantId} could not be read ({ErrorType}); the default tenant limit applies")]
    private static partial void TierLookupFailed(ILogger logger, string tenantId, string errorType);

    private sealed record Entry(Task<string> Tier, DateTimeOffset Expires);
}
