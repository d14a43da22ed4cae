using System.Text.RegularExpressions;

namespace AuthzService.Core.Principals;

/// <summary>
/// Cerbos scopes are dot-separated segments of [A-Za-z0-9_-]. Ours are a strict subset: each segment
/// non-empty, the first starting with a letter or digit, at most 128 characters. "" means base policies.
/// </summary>
public static partial class CerbosScope
{
    public const int MaxLength = 128;

    public static bool IsValid(string? scope) =>
        scope is not null && scope.Length <= MaxLength && ScopePattern().IsMatch(scope);

    // Same pattern as the tenants.cerbos_scope CHECK constraint; \z because .NET's $ also matches before a final newline.
    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();
}
