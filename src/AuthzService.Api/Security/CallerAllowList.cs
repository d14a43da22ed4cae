using Microsoft.Extensions.Options;
using HealthApi = Grpc.Health.V1.Health;

namespace AuthzService.Api.Security;

/// <summary>
/// The allow-list from <see cref="AuthOptions.Callers"/>: identity (exact, case-sensitive for URIs,
/// case-insensitive for DNS names) to what each of its entries grants. A call is allowed when one entry
/// names the method and, for the tenant the request names, covers that tenant. The health service is open
/// to every authenticated caller: it reveals nothing and probes must work.
/// </summary>
internal sealed class CallerAllowList
{
    /// <summary><c>grpc.health.v1.Health</c>, from its descriptor.</summary>
    public static readonly string HealthService = HealthApi.Descriptor.FullName;

    /// <summary>Refusal reason: no entry of the caller covers the tenant the request names (or the call spans every tenant).</summary>
    public const string TenantNotAllowed = "tenant_not_allowed";

    /// <summary>Refusal reason: the entries that cover the call do not allow <c>include_meta</c>.</summary>
    public const string IncludeMetaNotAllowed = "include_meta_not_allowed";

    private readonly Dictionary<string, List<CallerGrant>> _byIdentity = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restricted = new(StringComparer.Ordinal);

    public CallerAllowList(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var rule in options.Value.Callers)
        {
            if (string.IsNullOrEmpty(rule.Identity))
            {
                continue;
            }

            var key = Normalize(rule.Identity);
            var grant = new CallerGrant(rule);
            if (!_byIdentity.TryGetValue(key, out var grants))
            {
                grants = [];
                _byIdentity[key] = grants;
            }

            grants.Add(grant);
            if (grant.IsRestricted)
            {
                _restricted.Add(key);
            }
        }
    }

    /// <summary>An allow-list from rules directly (tests).</summary>
    internal static CallerAllowList From(IEnumerable<CallerRule> rules)
    {
        var options = new AuthOptions();
        foreach (var rule in rules)
        {
            options.Callers.Add(rule);
        }

        return new CallerAllowList(Microsoft.Extensions.Options.Options.Create(options));
    }

    /// <summary>Whether <paramref name="identity"/> may call <paramref name="path"/> (<c>/package.Service/Method</c>) at all.</summary>
    public bool IsAllowed(string identity, string path)
    {
        var service = ServiceOf(path);
        if (service == HealthService)
        {
            return true;
        }

        return _byIdentity.TryGetValue(Normalize(identity), out var grants) && grants.Exists(g => g.Permits(service, path));
    }

    /// <summary>Whether any entry of <paramref name="identity"/> is bound to tenants or refuses <c>include_meta</c> (else no request needs a look).</summary>
    public bool IsRestricted(string identity) => _restricted.Contains(Normalize(identity));

    /// <summary>
    /// Null when <paramref name="identity"/> may make this call about <paramref name="tenantId"/> (null: a call that
    /// spans every tenant), asking for decision metadata or not; otherwise the refusal reason.
    /// </summary>
    public string? CheckTenant(string identity, string path, string? tenantId, bool includeMeta)
    {
        var service = ServiceOf(path);
        if (service == HealthService)
        {
            return null;
        }

        if (!_byIdentity.TryGetValue(Normalize(identity), out var grants))
        {
            return TenantNotAllowed;
        }

        var reason = TenantNotAllowed;
        foreach (var grant in grants)
        {
            if (!grant.Permits(service, path) || !grant.Covers(tenantId))
            {
                continue;
            }

            if (includeMeta && !grant.IncludeMeta)
            {
                reason = IncludeMetaNotAllowed;
                continue;
            }

            return null;
        }

        return reason;
    }

    internal static string? ServiceOf(string path)
    {
        var slash = path.IndexOf('/', 1);
        return path.StartsWith('/') && slash > 1 ? path[1..slash] : null;
    }

    // URIs (SPIFFE ids) compare exactly; a DNS name (no scheme) is case-insensitive by definition.
    private static string Normalize(string identity) =>
        identity.Contains("://", StringComparison.Ordinal) ? identity : identity.ToLowerInvariant();
}
