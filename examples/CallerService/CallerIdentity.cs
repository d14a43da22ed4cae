using AuthzService.Client;

namespace CallerService;

/// <summary>
/// Who is calling. A real service takes this from its authenticated token; the example reads two
/// headers so it can be tried with curl.
/// </summary>
public static class CallerIdentity
{
    public static AuthzPrincipal? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = request.Headers["X-Tenant-Id"].ToString();
        var user = request.Headers["X-User-Id"].ToString();
        var team = request.Headers["X-Team-Id"].ToString();
        if (tenant.Length == 0 || user.Length == 0)
        {
            return null;
        }

        return new AuthzPrincipal(tenant, user) { TeamId = team.Length == 0 ? null : team };
    }
}
