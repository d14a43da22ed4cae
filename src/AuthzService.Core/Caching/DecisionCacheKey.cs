using System.Buffers.Text;
using System.Globalization;
using System.Text;
using AuthzService.Core.Decisions;

namespace AuthzService.Core.Caching;

/// <summary>
/// The one function that names a cached decision. Pure: the same inputs give the same key on every
/// replica, so L2 entries are shared; any difference in what the PDP would see gives a different key.
/// </summary>
/// <remarks>
/// Shape: <c>{prefix}d3:{epoch}:{len}:{tenant}:{tenant version}:{len}:{principal}:{principal version}:{hash}</c>.
/// The readable part is for operators (and is itself unambiguous: ids are length-prefixed); the hash is
/// SHA-256 over a canonical, length-prefixed serialization of <em>everything</em>, the readable part
/// included, so two requests share a key only if every input is equal. A change of tenant version,
/// principal version, policy epoch or policy revision therefore makes new keys: old entries are never
/// read again and simply expire (no key scans).
/// </remarks>
public static class DecisionCacheKey
{
    /// <summary>
    /// Bumped when the key or value format changes, so old entries are ignored. d2: L2 values are signed
    /// (issue 11.5); replicas of the previous version neither read nor overwrite them during a rollout. d3: L2 entries are
    /// the distributed cache's Redis hashes, not strings (issue 12.5); a d2 replica reading one would get WRONGTYPE.
    /// </summary>
    public const string FormatVersion = "d3";

    public static string For(
        string prefix,
        string policyRevision,
        DecisionStamp stamp,
        PdpPrincipal principal,
        PdpResource resource,
        string? auxJwt,
        string? auxKeySetId = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(policyRevision);
        ArgumentNullException.ThrowIfNull(stamp);
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);

        using var hasher = new CanonicalHasher();
        hasher.String(FormatVersion);
        hasher.String(prefix);
        hasher.String(policyRevision);
        hasher.Int64(stamp.PolicyEpoch);
        hasher.String(stamp.TenantId);
        hasher.Int64(stamp.TenantVersion);
        hasher.String(stamp.PrincipalId);
        hasher.Int64(stamp.PrincipalVersion);

        // What the PDP sees of the principal (roles, attributes including P.attr.context, scope).
        hasher.String(principal.Id);
        hasher.Strings(principal.Roles);
        hasher.Map(principal.Attributes);
        hasher.String(principal.Scope);
        hasher.String(principal.PolicyVersion);

        hasher.String(resource.Kind);
        hasher.String(resource.Id);
        hasher.Map(resource.Attributes);
        hasher.String(resource.PolicyVersion);
        hasher.String(resource.Scope);
        hasher.Strings(NormalizedActions(resource.Actions));
        hasher.String(auxJwt ?? string.Empty);
        hasher.String(auxKeySetId ?? string.Empty);
        var hash = Base64Url.EncodeToString(hasher.Finish());

        var key = new StringBuilder(prefix.Length + stamp.TenantId.Length + stamp.PrincipalId.Length + 96);
        key.Append(prefix).Append(FormatVersion).Append(':')
            .Append(stamp.PolicyEpoch.ToString(CultureInfo.InvariantCulture)).Append(':');
        AppendLengthPrefixed(key, stamp.TenantId);
        key.Append(stamp.TenantVersion.ToString(CultureInfo.InvariantCulture)).Append(':');
        AppendLengthPrefixed(key, stamp.PrincipalId);
        key.Append(stamp.PrincipalVersion.ToString(CultureInfo.InvariantCulture)).Append(':').Append(hash);
        return key.ToString();
    }

    /// <summary>
    /// Actions as a set: the answer is a map from action to effect, so order and duplicates do not
    /// change it and should not split the cache.
    /// </summary>
    public static IReadOnlyList<string> NormalizedActions(IReadOnlyList<string> actions) =>
        [.. actions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static void AppendLengthPrefixed(StringBuilder key, string value) =>
        key.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(':');
}
