namespace AuthzService.Core.Principals;

/// <summary>A tenant-scoped principal ready for Cerbos, with the versions it was built from.</summary>
/// <param name="TeamId">
/// The team context: the requested team when the directory holds the principal's membership in it, else null
/// (a team the principal is not in is never a context; see <see cref="PrincipalBuilder"/>).
/// </param>
/// <param name="Roles">Sorted (ordinal) and distinct; never empty.</param>
/// <param name="Attributes">Membership attributes plus the reserved keys in <see cref="PrincipalAttributeKeys"/>.</param>
/// <param name="Scope">The Cerbos scope to use, "" for base policies.</param>
public sealed record BuiltPrincipal(
    string Id,
    string TenantId,
    string? TeamId,
    IReadOnlyList<string> Roles,
    IReadOnlyDictionary<string, object?> Attributes,
    string Scope,
    long TenantVersion,
    long PrincipalVersion,
    long PolicyEpoch);
