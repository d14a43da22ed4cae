namespace AuthzService.Api.Security;

/// <summary>
/// What one allow-list entry grants its identity: services and methods, optionally only about some
/// tenants, and whether <c>include_meta</c> may be asked for.
/// </summary>
internal sealed class CallerGrant
{
    private readonly HashSet<string> _services;
    private readonly HashSet<string> _methods;
    private readonly TenantPatterns? _tenants;

    public CallerGrant(CallerRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _services = new HashSet<string>(rule.Services.Select(s => s.Trim()), StringComparer.Ordinal);
        _methods = new HashSet<string>(rule.Methods.Select(m => "/" + m.Trim().TrimStart('/')), StringComparer.Ordinal);
        _tenants = rule.Tenants.Count == 0 ? null : new TenantPatterns(rule.Tenants);
        IncludeMeta = rule.IncludeMeta;
    }

    /// <summary>Whether this entry narrows anything beyond methods (tenants or decision metadata).</summary>
    public bool IsRestricted => _tenants is not null || !IncludeMeta;

    public bool IncludeMeta { get; }

    /// <summary>Whether the entry names <paramref name="path"/> (<c>/package.Service/Method</c>) or its service.</summary>
    public bool Permits(string? service, string path) =>
        (service is not null && _services.Contains(service)) || _methods.Contains(path);

    /// <summary>Whether a call about <paramref name="tenantId"/> is covered; null means a call that spans every tenant.</summary>
    public bool Covers(string? tenantId) => _tenants is null || (tenantId is not null && _tenants.Matches(tenantId));
}
