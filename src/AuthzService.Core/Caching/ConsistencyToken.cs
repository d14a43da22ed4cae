using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AuthzService.Core.Caching;

/// <summary>
/// Read-your-writes across replicas: a write returns the versions it produced; a later check that
/// passes the token is answered from state at least that new. The token is opaque to callers
/// (base64url), carries no secret, and is only a lower bound — forging one can only make a
/// check slower (fresher), never staler.
/// </summary>
public sealed record ConsistencyToken(string TenantId, string PrincipalId, long TenantVersion, long PrincipalVersion, long PolicyEpoch)
{
    private const string Prefix = "ct1.";

    public string Encode()
    {
        var text = string.Join('\n',
            TenantId, PrincipalId,
            TenantVersion.ToString(CultureInfo.InvariantCulture),
            PrincipalVersion.ToString(CultureInfo.InvariantCulture),
            PolicyEpoch.ToString(CultureInfo.InvariantCulture));
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    public static bool TryDecode(string? token, out ConsistencyToken? result)
    {
        result = null;
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length))).Split('\n');
            if (parts.Length != 5
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var tv)
                || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var pv)
                || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var pe))
            {
                return false;
            }

            // Only the canonical text of a token is one: "007" for 7, bytes that are not UTF-8, non-zero
            // trailing bits of the last base64 character all decode to something, but no encoder wrote them.
            // One token, one text: a string means exactly what its encoding says, or nothing.
            var decoded = new ConsistencyToken(parts[0], parts[1], tv, pv, pe);
            if (!string.Equals(decoded.Encode(), token, StringComparison.Ordinal))
            {
                return false;
            }

            result = decoded;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>What this token demands of a check by <paramref name="principalId"/> in <paramref name="tenantId"/>.</summary>
    public Decisions.Freshness FreshnessFor(string tenantId, string principalId)
    {
        var sameTenant = string.Equals(TenantId, tenantId, StringComparison.Ordinal);
        var samePrincipal = sameTenant && string.Equals(PrincipalId, principalId, StringComparison.Ordinal);
        return new Decisions.Freshness(
            BypassCache: false,
            MinPrincipalVersion: samePrincipal ? PrincipalVersion : 0,
            MinTenantVersion: sameTenant ? TenantVersion : 0,
            MinPolicyEpoch: PolicyEpoch);
    }
}
