using System.Text.Json;

namespace AuthzService.Core.Caching;

/// <summary>
/// How long a decision computed with an <c>aux_data</c> JWT may be cached: no longer than the token is
/// valid. The token's <c>exp</c>/<c>nbf</c> are read from its payload without verifying it (Cerbos verifies
/// tokens; it is the one that decides about an expired or not-yet-valid token, so such a decision is never
/// cached or answered from cache). A token whose payload or times cannot be read is not cached either.
/// </summary>
/// <param name="Cacheable">False: ask the PDP, store nothing, read nothing.</param>
/// <param name="NotAfter">The token's expiry; null when it has none (or there is no token).</param>
public readonly record struct AuxTokenLifetime(bool Cacheable, DateTimeOffset? NotAfter)
{
    /// <summary>No token, or a token without <c>exp</c> that is valid now: the configured TTL applies.</summary>
    public static readonly AuxTokenLifetime Unbounded = new(Cacheable: true, NotAfter: null);

    public static readonly AuxTokenLifetime NotCacheable = new(Cacheable: false, NotAfter: null);

    // Beyond these, NumericDate does not fit DateTimeOffset: treat as "no expiry" / "long expired".
    private static readonly double s_maxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
    private static readonly double s_minSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();

    public static AuxTokenLifetime Of(string? jwt, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return Unbounded;
        }

        if (!TryReadTimes(jwt, out var expires, out var notBefore))
        {
            return NotCacheable;
        }

        if (notBefore is { } nbf && nbf > now)
        {
            return NotCacheable;
        }

        return expires switch
        {
            null => Unbounded,
            { } exp when exp > now => new AuxTokenLifetime(Cacheable: true, NotAfter: exp),
            _ => NotCacheable,
        };
    }

    /// <summary>The lifetime an entry stored now may have: <paramref name="ttl"/>, cut at the token's expiry.</summary>
    public TimeSpan Cap(TimeSpan ttl, DateTimeOffset now) =>
        NotAfter is { } notAfter && notAfter - now < ttl ? notAfter - now : ttl;

    /// <summary>Reads <c>exp</c> and <c>nbf</c> (RFC 7519 NumericDate: seconds, fractions allowed); false when unreadable.</summary>
    internal static bool TryReadTimes(string jwt, out DateTimeOffset? expires, out DateTimeOffset? notBefore)
    {
        expires = null;
        notBefore = null;
        using var doc = Tenancy.JwtPayload.TryParse(jwt);
        return doc is not null
            && TryReadNumericDate(doc.RootElement, "exp", out expires)
            && TryReadNumericDate(doc.RootElement, "nbf", out notBefore);
    }

    private static bool TryReadNumericDate(JsonElement payload, string claim, out DateTimeOffset? value)
    {
        value = null;
        if (!payload.TryGetProperty(claim, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var seconds) || !double.IsFinite(seconds))
        {
            return false;
        }

        value = seconds >= s_maxSeconds ? DateTimeOffset.MaxValue
            : seconds <= s_minSeconds ? DateTimeOffset.MinValue
            : DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(seconds);
        return true;
    }
}
