using AuthzService.Core.Decisions;

namespace AuthzService.Testing;

/// <summary>Principals and resources shaped like cerbos-policies/tests/testdata (globex: pro, acme: enterprise with a scoped override).</summary>
public static class CerbosTestData
{
    public static PdpPrincipal Principal(
        string id, string tenant, string role, string tier = "pro", string scope = "", IReadOnlyDictionary<string, object?>? context = null)
    {
        var attributes = new Dictionary<string, object?>
        {
            ["tenant_id"] = tenant,
            ["tenant_tier"] = tier,
            ["tenant_status"] = "active",
        };
        if (context is not null)
        {
            attributes["context"] = context;
        }

        return new PdpPrincipal(id, [role], attributes, scope);
    }

    public static PdpResource Resource(string kind, string id, string tenant, string owner, string scope, params string[] actions) =>
        new(kind, id, new Dictionary<string, object?> { ["tenant_id"] = tenant, ["owner_id"] = owner }, string.Empty, scope, actions);

    public static PdpCheckRequest Check(PdpPrincipal principal, params PdpResource[] resources) =>
        new("req-" + Guid.NewGuid().ToString("N")[..8], principal, resources, IncludeMeta: true);

    public static PdpPlanRequest Plan(PdpPrincipal principal, string kind, string action, string scope = "") =>
        new("plan-" + Guid.NewGuid().ToString("N")[..8], principal, kind, new Dictionary<string, object?>(), string.Empty, scope, [action], IncludeMeta: true);
}
