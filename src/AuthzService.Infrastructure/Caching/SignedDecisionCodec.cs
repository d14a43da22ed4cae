using AuthzService.Core.Caching;
using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// The L2 value codec: a <see cref="CachedDecision"/> becomes signed bytes (<see cref="CachedDecisionSerializer"/>
/// inside a <see cref="CacheValueSigner"/> envelope bound to the key name), and bytes read back become an entry
/// only if the signature holds. Independent of the store's client API, so every byte[] store of L2 uses it.
/// </summary>
/// <remarks>
/// A refused value is a miss, never an answer and never an exception: it is counted
/// (<c>authz.cache.rejected</c>, level l2, reason unsigned / unknown_key / bad_signature / unreadable) and logged
/// at most once a minute, since whoever can write to Redis can produce refusals at will.
/// </remarks>
public sealed class SignedDecisionCodec
{
    /// <summary>Refused values are reported at most this often (the counter counts every one).</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly CacheValueSigner _signer;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusedLog;
    private readonly LogThrottle _unreadableLog;

    public SignedDecisionCodec(CacheValueSigner signer, CacheMetrics metrics, ILogger<SignedDecisionCodec> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        _signer = signer;
        _metrics = metrics;
        _logger = logger;
        _refusedLog = new LogThrottle(time ?? TimeProvider.System, LogInterval);
        _unreadableLog = new LogThrottle(time ?? TimeProvider.System, LogInterval);
    }

    /// <summary>The bytes to store under <see cref="CachedDecision.Key"/>, signed with the current key.</summary>
    public byte[] Encode(CachedDecision entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _signer.Sign(entry.Key, CachedDecisionSerializer.Serialize(entry));
    }

    /// <summary>The entry stored under <paramref name="key"/>, or null: absent, refused (counted, logged) or unreadable.</summary>
    public CachedDecision? Decode(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (value is null)
        {
            return null;
        }

        var check = _signer.Verify(key, value, out var payload, out var keyId);
        if (check != CacheValueCheck.Valid)
        {
            var reason = check switch
            {
                CacheValueCheck.UnknownKey => "unknown_key",
                CacheValueCheck.BadSignature => "bad_signature",
                _ => "unsigned",
            };
            _metrics.Rejected(CacheLevels.L2, reason);
            if (_refusedLog.ShouldLog(out var suppressed))
            {
                CacheSigningLog.ValueRefused(_logger, key, reason, keyId, suppressed);
            }

            return null;
        }

        if (CachedDecisionSerializer.TryDeserialize(payload.Span, out var entry))
        {
            return entry;
        }

        // Signed by us but not readable: a format change under an unchanged key version (a bug), never an attack.
        _metrics.Rejected(CacheLevels.L2, "unreadable");
        if (_unreadableLog.ShouldLog(out var skipped))
        {
            CacheInfrastructureLog.L2Corrupt(_logger, key, value.Length, skipped);
        }

        return null;
    }
}
