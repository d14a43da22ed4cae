using System.Text.Json;

namespace AuthzService.Core.Tenancy;

/// <summary>
/// Reads the tenant a JWT claims (without verifying it: Cerbos verifies tokens against its key sets).
/// A token naming another tenant than the request is a cross-tenant attempt, whatever its signature.
/// </summary>
public static class JwtTenantClaim
{
    /// <summary>Claims that name a tenant or organisation, in the spellings identity providers use.</summary>
    public static readonly IReadOnlyList<string> ClaimNames = ["tenant_id", "tenant", "tid", "org_id", "org", "organization_id"];

    /// <summary>
    /// Parses the payload; false when the text is not a JWT with a JSON object payload (see <see cref="JwtPayload"/>:
    /// unique claim names, readable strings).
    /// </summary>
    public static bool TryReadTenants(string jwt, out IReadOnlyList<string> tenants)
    {
        tenants = [];
        using var document = JwtPayload.TryParse(jwt);
        if (document is null)
        {
            return false;
        }

        var found = new List<string>();
        foreach (var name in ClaimNames)
        {
            if (document.RootElement.TryGetProperty(name, out var value))
            {
                found.Add(value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText());
            }
        }

        tenants = found;
        return true;
    }

    /// <summary>True when the token names a tenant other than <paramref name="tenantId"/>.</summary>
    public static bool ContradictsTenant(string? jwt, string tenantId)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return false;
        }

        // An unreadable token cannot prove it belongs to this tenant: treat it as contradicting.
        return !TryReadTenants(jwt, out var tenants) || tenants.Any(t => !string.Equals(t, tenantId, StringComparison.Ordinal));
    }
}
