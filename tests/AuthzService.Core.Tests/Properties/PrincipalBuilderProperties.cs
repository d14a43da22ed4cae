using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using CsCheck;

namespace AuthzService.Core.Tests.Properties;

/// <summary>
/// Principal building never lets the request override the directory. The expected principal is computed
/// here from the rules the API documents (docs/api.md, "Rules a caller can rely on"), not from
/// <see cref="PrincipalBuilder"/>: roles are the tenant-wide membership's roles, team roles only from a
/// membership in the team acting in, plus that team membership's roles; a team context only when the
/// directory holds the principal's membership in that team of that tenant; attributes are the memberships'
/// (the team's winning), then tenant_id, team_id (with a team context), tenant_tier and tenant_status, which
/// nothing overrides; principal_context only ever under "context"; no roles means non_member.
/// </summary>
/// <remarks>
/// The snapshot generator is hostile: memberships of another tenant, principal or team (as a faulty store
/// could return), team roles on tenant-wide rows, reserved keys in membership attributes, and a request
/// context full of the reserved keys and of role-like values.
/// </remarks>
[TestClass]
public sealed class PrincipalBuilderProperties
{
    private static readonly Gen<string> Tenant = Gen.OneOf("acme", "globex");
    private static readonly Gen<string> Principal = Gen.OneOf("alice", "bob");
    private static readonly Gen<string> Team = Gen.OneOf("", "red", "blue");
    private static readonly Gen<string[]> Roles = Gen.OneOf("viewer", "admin", "team_member", "team_lead", "", "non_member").Array[0, 3];

    private static readonly Gen<Dictionary<string, object?>> Attributes =
        Gen.OneOf("tenant_id", "team_id", "tenant_tier", "tenant_status", "context", "level", "department")
            .Dictionary(Gen.OneOf<object?>("acme", "globex", "red", "gold", "suspended", "x", null, 1.0, true))[0, 4]
            .Select(d => new Dictionary<string, object?>(d, StringComparer.Ordinal));

    private static readonly Gen<Membership?> AnyMembership = Gen.Frequency<Membership?>(
        (1, Gen.Const((Membership?)null)),
        (4, Gen.Select(Tenant, Principal, Team, Roles, Attributes, (t, p, team, r, a) => (Membership?)new Membership(t, p, team, r, a))));

    private static readonly Gen<TenantInfo?> TenantRow = Gen.Frequency<TenantInfo?>(
        (1, Gen.Const((TenantInfo?)null)),
        (6, Gen.Select(Tenant, Gen.OneOf(TenantStatus.Active, TenantStatus.Active, TenantStatus.Suspended), Gen.OneOf("free", "gold"), Gen.OneOf("", "acme", "bad scope!"), // the last is no Cerbos scope: base policies
            (id, status, tier, scope) => (TenantInfo?)new TenantInfo(id, id, scope, status, tier))));

    private static readonly Gen<PrincipalSnapshot> Snapshot = Gen.Select(TenantRow, AnyMembership, AnyMembership, Gen.Long[0, 9], Gen.Long[0, 9], Gen.Long[0, 9],
        (tenant, wide, team, tv, pv, epoch) => new PrincipalSnapshot(tenant, wide, team, tv, pv, epoch));

    private static readonly Gen<RequestedPrincipal> Request = Gen.Select(Tenant, Principal, Gen.OneOf<string?>(null, "", "red", "blue"), Attributes,
        (t, p, team, context) => new RequestedPrincipal(t, p, team, context));

    [TestMethod]
    public void Build_FollowsTheDocumentedRules_AndTheRequestNeverOverridesTheDirectory()
    {
        Gen.Select(Request, Snapshot).Sample(
            (request, snapshot) =>
            {
                var result = PrincipalBuilder.Build(request, snapshot);
                var tenant = snapshot.Tenant;
                if (tenant is null || tenant.Id != request.TenantId)
                {
                    return result.Outcome == PrincipalBuildOutcome.TenantUnknown && result.Principal is null;
                }

                if (tenant.Status != TenantStatus.Active)
                {
                    return result.Outcome == PrincipalBuildOutcome.TenantSuspended && result.Principal is null;
                }

                var expected = Expected(request, snapshot, tenant);
                var actual = result.Principal;
                return result.Outcome == PrincipalBuildOutcome.Built
                    && actual is not null
                    && actual.Id == request.PrincipalId
                    && actual.TenantId == tenant.Id
                    && actual.TeamId == expected.TeamId
                    && actual.Scope == (tenant.CerbosScope == "bad scope!" ? string.Empty : tenant.CerbosScope)
                    && actual.Roles.SequenceEqual(expected.Roles)
                    && SameAttributes(actual.Attributes, expected.Attributes)
                    && actual.TenantVersion == snapshot.TenantVersion
                    && actual.PrincipalVersion == snapshot.PrincipalVersion
                    && actual.PolicyEpoch == snapshot.PolicyEpoch;
            },
            iter: PropertyGen.Iterations,
            print: t => $"request {t.Item1} context [{Show(t.Item1.Context)}]; snapshot {t.Item2} wide [{Show(t.Item2.TenantWide?.Attributes)}] roles [{string.Join(",", t.Item2.TenantWide?.Roles ?? [])}] team [{Show(t.Item2.Team?.Attributes)}] roles [{string.Join(",", t.Item2.Team?.Roles ?? [])}]");
    }

    [TestMethod]
    public void WithContext_ReplacesOnlyTheContext()
    {
        Gen.Select(Request, Snapshot, Attributes).Sample(
            (request, snapshot, context) =>
            {
                if (PrincipalBuilder.Build(request, snapshot).Principal is not { } built)
                {
                    return true;
                }

                var reused = PrincipalBuilder.WithContext(built, context);
                var expected = new Dictionary<string, object?>(built.Attributes, StringComparer.Ordinal) { ["context"] = context };
                return SameAttributes(reused.Attributes, expected) && reused.Roles.SequenceEqual(built.Roles) && reused.TeamId == built.TeamId;
            },
            iter: PropertyGen.Iterations);
    }

    private static (string? TeamId, string[] Roles, Dictionary<string, object?> Attributes) Expected(
        RequestedPrincipal request, PrincipalSnapshot snapshot, TenantInfo tenant)
    {
        bool Mine(Membership? m, string team) =>
            m is not null && m.TenantId == request.TenantId && m.PrincipalId == request.PrincipalId && m.TeamId == team;

        var wide = Mine(snapshot.TenantWide, string.Empty) ? snapshot.TenantWide : null;
        var asked = string.IsNullOrEmpty(request.TeamId) ? null : request.TeamId;
        var team = asked is not null && Mine(snapshot.Team, asked) ? snapshot.Team : null;

        var roles = (wide?.Roles.Where(r => !r.StartsWith("team_", StringComparison.Ordinal)) ?? [])
            .Concat(team?.Roles ?? [])
            .Where(r => r.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (roles.Length == 0)
        {
            roles = ["non_member"];
        }

        string[] reserved = ["tenant_id", "team_id", "tenant_tier", "tenant_status", "context"];
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var m in new[] { wide, team })
        {
            foreach (var (key, value) in m?.Attributes ?? new Dictionary<string, object?>())
            {
                if (!reserved.Contains(key))
                {
                    attributes[key] = value;
                }
            }
        }

        attributes["tenant_id"] = tenant.Id;
        if (team is not null)
        {
            attributes["team_id"] = team.TeamId;
        }

        attributes["tenant_tier"] = tenant.Tier;
        attributes["tenant_status"] = "active";
        attributes["context"] = request.Context;
        return (team?.TeamId, roles, attributes);
    }

    private static bool SameAttributes(IReadOnlyDictionary<string, object?> actual, IReadOnlyDictionary<string, object?> expected) =>
        actual.Count == expected.Count
        && expected.All(kv => actual.TryGetValue(kv.Key, out var value) && SameValue(value, kv.Value));

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) => SameAttributes(x, y),
        _ => Equals(a, b),
    };

    private static string Show(IReadOnlyDictionary<string, object?>? map) =>
        map is null ? "-" : string.Join(", ", map.Select(kv => $"{kv.Key}={kv.Value ?? "null"}"));
}
