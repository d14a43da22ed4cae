using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// The tenant a path names (<c>/tenants/{tenant_id}/...</c>, <c>/{tenant_id}/...</c>, the scoped metadata URLs), decoded
/// once. Kestrel decodes the request path except <c>%2F</c>, which it leaves as is so that an encoded slash cannot make
/// a new segment; and it decodes <c>%25</c>, so <c>%2F</c> (a "/") and <c>%252F</c> (the three characters "%2F") both
/// reach routing as "%2F". The route value alone therefore names tenant "a%2Fb" for a request about tenant "a/b", and
/// the two would share answers: a tenant id may contain "/" (docs/api.md), so the value is read again from the raw
/// request target. Found by the differential oracle (issue 14 point 2).
/// </summary>
internal static partial class AuthZenPathTenant
{
    /// <summary>The tenant, null when the route has none; <paramref name="error"/> set when the path cannot be read unambiguously.</summary>
    public static string? Read(HttpContext httpContext, out string? error)
    {
        error = null;
        if (httpContext.GetRouteValue("tenant_id") is not string routed)
        {
            return null;
        }

        // No "%2F" left: Kestrel decoded everything, the value is the tenant.
        if (!routed.Contains("%2F", StringComparison.OrdinalIgnoreCase))
        {
            return routed;
        }

        var raw = httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var rawSegments = (query < 0 ? raw : raw[..query]).Split('/');
        var segments = httpContext.Request.Path.Value?.Split('/') ?? [];

        // The literal segments of every route ("tenants", "access", ...) hold no "%2F", so the tenant's is the one equal to
        // the route value; the raw target must have the same segments (no dot segments removed, not absolute-form) and
        // decode to the same path, else the tenant is not read at all.
        var index = Array.IndexOf(segments, routed);
        if (!raw.StartsWith('/') || rawSegments.Length != segments.Length || index < 0
            || !rawSegments.Select(KestrelDecoded).SequenceEqual(segments, StringComparer.Ordinal))
        {
            error = "tenant_id (path): could not be read from the request path (send it percent-encoded, without dot segments)";
            return null;
        }

        return Uri.UnescapeDataString(rawSegments[index]);
    }

    /// <summary>A raw path segment decoded as Kestrel decodes it: everything but <c>%2F</c>.</summary>
    private static string KestrelDecoded(string segment)
    {
        var decoded = new StringBuilder(segment.Length);
        foreach (var part in EncodedSlash().Split(segment))
        {
            decoded.Append(EncodedSlash().IsMatch(part) ? part : Uri.UnescapeDataString(part));
        }

        return decoded.ToString();
    }

    [GeneratedRegex("(%2[Ff])")]
    private static partial Regex EncodedSlash();
}
