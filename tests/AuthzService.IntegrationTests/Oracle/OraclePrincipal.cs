using System.Collections.Immutable;
using System.Text.Json.Nodes;
using AuthzService.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>One check the oracle sends: the principal fields and the resource entries, in request order.</summary>
internal sealed record OracleCheck(string Tenant, string Principal, string Team, ImmutableSortedDictionary<string, Value> Context, ImmutableArray<ResourceEntry> Entries);

/// <summary>
/// What a check must answer in one directory state: every action denied locally (<see cref="LocalDeny"/>), or the
/// principal Cerbos must be asked about, with the entries the service itself denies as cross-tenant.
/// </summary>
internal sealed record OracleExpectation(string? LocalDeny, JsonObject? Principal, string Scope);

/// <summary>
/// The principal, written from the documentation (docs/api.md "Rules a caller can rely on", cerbos-policies/README.md
/// "Attribute contract", docs/decisions.md 2, 3, 5, 7, 12, 13) and deliberately not from <c>PrincipalBuilder</c>:
/// the oracle is only worth something if it can disagree with the code.
/// </summary>
internal static class OraclePrincipal
{
    /// <summary>Principal attribute keys the service owns (membership.proto: rejected in membership attributes).</summary>
    public static readonly ImmutableHashSet<string> ReservedKeys = ImmutableHashSet.Create(StringComparer.Ordinal, "tenant_id", "team_id", "tenant_tier", "tenant_status", "context");

    /// <summary>Team roles are <c>team_*</c> (docs/api.md).</summary>
    public static bool IsTeamRole(string role) => role.StartsWith("team_", StringComparison.Ordinal);

    public static OracleExpectation Expect(OracleState state, OracleCheck check)
    {
        // Unknown or suspended tenant: every action denied without asking Cerbos.
        if (!state.Tenants.TryGetValue(check.Tenant, out var tenant))
        {
            return new OracleExpectation("tenant unknown", null, "");
        }

        if (tenant.Status == "suspended")
        {
            return new OracleExpectation("tenant suspended", null, "");
        }

        var tenantWide = state.Membership(check.Tenant, check.Principal, "");

        // A team context only when the directory holds the principal's membership in that team (one without roles counts);
        // otherwise the principal is the tenant-wide one, exactly as if no team had been named.
        var team = check.Team.Length > 0 ? state.Membership(check.Tenant, check.Principal, check.Team) : null;

        // Tenant-wide roles (a team role there does not count) plus the team membership's roles.
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        roles.UnionWith(tenantWide?.Roles.Where(r => !IsTeamRole(r)) ?? []);
        roles.UnionWith(team?.Roles ?? []);
        if (roles.Count == 0)
        {
            roles.Add("non_member");
        }

        // Membership attributes (the team's win over the tenant-wide ones: the more specific membership), then the
        // reserved keys, which nothing overrides; the request's context only ever under "context".
        var attr = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in (tenantWide?.Attr ?? Enumerable.Empty<KeyValuePair<string, Value>>()).Concat(team?.Attr ?? Enumerable.Empty<KeyValuePair<string, Value>>()))
        {
            attr[key] = Json(value);
        }

        attr["tenant_id"] = check.Tenant;
        if (team is not null)
        {
            attr["team_id"] = check.Team;
        }
        else
        {
            attr.Remove("team_id");
        }

        attr["tenant_tier"] = tenant.Tier.Length == 0 ? "free" : tenant.Tier;
        attr["tenant_status"] = "active";
        if (check.Context.Count > 0)
        {
            attr["context"] = Object(check.Context);
        }
        else
        {
            attr.Remove("context");
        }

        var principal = new JsonObject
        {
            ["id"] = check.Principal,
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]),
            ["attr"] = new JsonObject(attr),
            ["policyVersion"] = "default",
            ["scope"] = tenant.Scope,
        };
        return new OracleExpectation(null, principal, tenant.Scope);
    }

    /// <summary>
    /// Whether the principal <c>include_meta</c> reports is the expected one: same id, roles (as a set), scope and
    /// attributes; an empty <c>context</c> counts as none.
    /// </summary>
    public static bool Matches(PrincipalView view, OracleExpectation expected)
    {
        if (expected.Principal is not { } principal)
        {
            return false;
        }

        var attr = Object(view.Attr.Where(a => !(a.Key == "context" && a.Value.KindCase == Value.KindOneofCase.StructValue && a.Value.StructValue.Fields.Count == 0)));
        return view.Id == principal["id"]!.GetValue<string>()
            && view.Scope == expected.Scope
            && view.Roles.Order(StringComparer.Ordinal).SequenceEqual(principal["roles"]!.AsArray().Select(r => r!.GetValue<string>()), StringComparer.Ordinal)
            && JsonNode.DeepEquals(attr, principal["attr"]);
    }

    /// <summary>
    /// A resource whose <c>attr.tenant_id</c> is present and not exactly the request's tenant (another string, null, a
    /// number, other case) is denied by the service for every action (docs/api.md; docs/decisions.md 3). Absent: Cerbos decides.
    /// </summary>
    public static bool IsCrossTenant(Resource resource, string tenant) =>
        resource.Attr.TryGetValue("tenant_id", out var value) && !(value.KindCase == Value.KindOneofCase.StringValue && value.StringValue == tenant);

    /// <summary>The resource as Cerbos must see it (the tenant's scope; an empty policy version is "default").</summary>
    public static JsonObject Resource(Resource resource, string scope) => new()
    {
        ["kind"] = resource.Kind,
        ["id"] = resource.Id,
        ["attr"] = Object(resource.Attr),
        ["policyVersion"] = resource.PolicyVersion.Length == 0 ? "default" : resource.PolicyVersion,
        ["scope"] = scope,
    };

    public static JsonObject Object(IEnumerable<KeyValuePair<string, Value>> values) =>
        new(values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Json(kv.Value))));

    public static JsonNode? Json(Value value) => JsonNode.Parse(JsonFormatter.Default.Format(value));
}
