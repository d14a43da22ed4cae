using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>
/// The allow-list from <see cref="AuthOptions.Callers"/>: identity (exact, case-sensitive for URIs,
/// case-insensitive for DNS names) to the services and methods it may call. The health service is
/// open to every authenticated caller: it reveals nothing and probes must work.
/// </summary>
internal sealed class CallerAllowList
{
    public const string HealthService = "grpc.health.v1.Health";

    private readonly Dictionary<string, (HashSet<string> Services, HashSet<string> Methods)> _byIdentity = new(StringComparer.Ordinal);

    public CallerAllowList(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Add(options.Value.Callers);
    }

    private void Add(IEnumerable<CallerRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            if (string.IsNullOrEmpty(rule.Identity))
            {
                continue;
            }

            var key = Normalize(rule.Identity);
            if (!_byIdentity.TryGetValue(key, out var entry))
            {
                entry = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
                _byIdentity[key] = entry;
            }

            entry.Services.UnionWith(rule.Services.Select(s => s.Trim()));
            entry.Methods.UnionWith(rule.Methods.Select(m => "/" + m.Trim().TrimStart('/')));
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

    /// <summary>Whether <paramref name="identity"/> may call <paramref name="path"/> (<c>/package.Service/Method</c>).</summary>
    public bool IsAllowed(string identity, string path)
    {
        var service = ServiceOf(path);
        if (service == HealthService)
        {
            return true;
        }

        return _byIdentity.TryGetValue(Normalize(identity), out var entry)
            && ((service is not null && entry.Services.Contains(service)) || entry.Methods.Contains(path));
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
