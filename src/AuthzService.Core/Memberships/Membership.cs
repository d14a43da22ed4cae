namespace AuthzService.Core.Memberships;

/// <summary>
/// A principal's membership in a tenant (<see cref="TeamId"/> = "") or in one team of that tenant.
/// </summary>
/// <param name="Attributes">
/// JSON-like values: null, string, bool, long, double, decimal, lists and string-keyed dictionaries of these.
/// </param>
public sealed record Membership(
    string TenantId,
    string PrincipalId,
    string TeamId,
    IReadOnlyList<string> Roles,
    IReadOnlyDictionary<string, object?> Attributes)
{
    /// <summary>The team id meaning "tenant-wide".</summary>
    public const string TenantWide = "";

    public bool IsTenantWide => TeamId.Length == 0;
}
