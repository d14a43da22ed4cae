namespace AuthzService.Api.Security;

/// <summary>
/// The tenants one allow-list entry may name (<c>Auth:Callers:N:Tenants</c>): exact ids, or prefixes written
/// with a trailing <c>*</c> (<c>acme-*</c> matches <c>acme-eu</c>, not <c>acme</c>). Ordinal, case-sensitive,
/// like tenant ids themselves.
/// </summary>
internal sealed class TenantPatterns
{
    private const int MaxTenantIdLength = 128;
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly List<string> _prefixes = [];

    public TenantPatterns(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('*'))
            {
                _prefixes.Add(pattern[..^1]);
            }
            else
            {
                _exact.Add(pattern);
            }
        }
    }

    public bool Matches(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (tenantId.Length == 0)
        {
            return false;
        }

        if (_exact.Contains(tenantId))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (tenantId.Length > prefix.Length && tenantId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What is wrong with a configured pattern, or null when it is usable.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "must be a tenant id, or a prefix followed by '*' (got an empty value)";
        }

        if (pattern == "*")
        {
            return "'*' alone would match every tenant: leave Tenants out for a caller that may name any tenant";
        }

        var id = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        if (id.Contains('*', StringComparison.Ordinal))
        {
            return $"'{pattern}': '*' is only allowed once, at the end (a prefix)";
        }

        if (id.Length > MaxTenantIdLength || id.Any(char.IsControl))
        {
            return $"must be at most {MaxTenantIdLength} characters (before a trailing '*') with no control characters";
        }

        if (id.Trim().Length != id.Length)
        {
            return $"'{pattern}' has leading or trailing whitespace";
        }

        return null;
    }
}
