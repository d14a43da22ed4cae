using System.Text;
using AuthzService.Core.Memberships;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// The opaque page token: base64url of "v1\0tenant\0principal\0team" (the last key returned).
/// NUL separates safely because PostgreSQL text cannot contain it. The tenant is included so a token
/// cannot be replayed against another tenant's listing.
/// </summary>
internal static class MembershipPageToken
{
    private const string Version = "v1";

    public static string Encode(string tenantId, string principalId, string teamId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\0', Version, tenantId, principalId, teamId)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (string PrincipalId, string TeamId) Decode(string token, string tenantId)
    {
        string[] parts;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\0');
        }
        catch (FormatException ex)
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, "page_token is not valid.", ex);
        }

        if (parts.Length != 4 || parts[0] != Version || !string.Equals(parts[1], tenantId, StringComparison.Ordinal))
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, "page_token is not valid for this listing.");
        }

        return (parts[2], parts[3]);
    }
}
