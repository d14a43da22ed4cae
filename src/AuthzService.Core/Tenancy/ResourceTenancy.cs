namespace AuthzService.Core.Tenancy;

/// <summary>The cross-tenant rule for resources.</summary>
public static class ResourceTenancy
{
    public const string TenantAttribute = "tenant_id";

    /// <summary>
    /// True when the resource says it belongs to another tenant: <c>attr.tenant_id</c> is present and
    /// is not exactly the request's tenant (a null or non-string value counts as different).
    /// </summary>
    public static bool IsCrossTenant(IReadOnlyDictionary<string, object?> attributes, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return attributes.TryGetValue(TenantAttribute, out var value)
            && !(value is string s && string.Equals(s, tenantId, StringComparison.Ordinal));
    }
}
