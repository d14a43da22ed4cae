using System.Collections.Immutable;
using AuthzService.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// The oracle's random choices, all from one seeded <see cref="Random"/>. Ids are chosen to collide if anything
/// concatenates them (<c>t1</c> / <c>t1:p1</c>, a team named like a tenant), to differ only by Unicode normalization
/// (<c>Zoë</c> precomposed and decomposed) and to carry separators, spaces, quotes and characters outside the BMP.
/// </summary>
internal sealed class OracleGenerator(Random random)
{
    public static readonly string[] TenantIds = ["t1", "t1:p1", "acme-ø", "Ωmega tenant", "t/2|x", "日本:東京", "t=\"q\"", "🔑vault"];
    private static readonly string[] PrincipalIds = ["p1", "p1:t1", "alice", "Zo\u00eb", "Zoe\u0308", "ü/ber", "p 2", "🙂x", "t1"];
    private static readonly string[] TeamIds = ["team-a", "team:a", "équipe", "t1", "x/y 🙂"];
    private static readonly string[] ResourceIds = ["d1", "d:1", "d|1", "doc é", "📄", "a/b", "1", "t1:p1"];
    private static readonly string[] Scopes = ["", "", "acme", "acme.eu", "zeta"];
    private static readonly string[] Tiers = ["", "free", "pro", "enterprise"];
    private static readonly string[] TenantRoles = ["viewer", "member", "org_admin", "non_member", "auditor"];
    private static readonly string[] TeamMembershipRoles = ["team_member", "team_lead", "viewer", "member", "org_admin"];
    private static readonly string[] Regions = ["eu", "us", "日本"];
    private static readonly string[] Labels = ["red", "blue", "ü"];

    private static readonly (string Kind, string[] Actions, int Weight)[] Kinds =
    [
        ("oracle_item", ["ping", "clear", "region", "label", "team", "team_attr", "ctx", "tier", "nonmember", "admin", "self", "scoped"], 45),
        ("document", ["read", "create", "update", "comment", "share", "delete"], 25),
        ("project", ["read", "create", "update", "archive", "delete"], 12),
        ("billing_account", ["read", "view_invoices", "update", "cancel"], 10),
        ("ghost", ["read"], 3),
    ];

    // Checks repeat (the cache only matters for repeats): most resources and contexts come from small pools drawn once
    // per run, so the same question comes back under other contexts, principals, teams, tenants and versions.
    private readonly List<Func<string, string, string, ResourceEntry>> _resources = [];
    private readonly List<ImmutableSortedDictionary<string, Value>> _contexts = [];
    private readonly List<OracleCheck> _recent = [];

    public int Next(int max) => random.Next(max);

    public int Next(int min, int max) => random.Next(min, max);

    public bool Chance(double p) => random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public OracleWrite NextWrite(OracleState state)
    {
        var roll = random.NextDouble();
        var tenants = state.Tenants.Keys.Order(StringComparer.Ordinal).ToArray();
        var memberships = state.Memberships.Keys.OrderBy(k => (k.Tenant, k.Principal, k.Team), Comparer<(string, string, string)>.Create(OrdinalTuple)).ToArray();
        if (roll < 0.22 || tenants.Length == 0)
        {
            return new OracleWrite.UpsertTenant(Pick(TenantIds), Chance(0.15), Pick(Tiers), Pick(Scopes));
        }

        if (roll < 0.25)
        {
            return new OracleWrite.DeleteTenant(Pick(tenants));
        }

        if (roll < 0.92 && roll >= 0.82 && memberships.Length > 0)
        {
            var existing = Chance(0.85) ? Pick(memberships) : new MembershipKey(Pick(tenants), Pick(PrincipalIds), Chance(0.5) ? "" : Pick(TeamIds));
            return new OracleWrite.DeleteMembership(existing.Tenant, existing.Principal, existing.Team);
        }

        if (roll >= 0.92 && Chance(0.4))
        {
            var row = memberships.Length > 0 ? Pick(memberships) : new MembershipKey(Pick(tenants), Pick(PrincipalIds), "");
            return random.Next(5) switch
            {
                0 => new OracleWrite.Invalidate("", null),
                1 => new OracleWrite.BumpPolicyEpoch(),
                2 => new OracleWrite.Invalidate(row.Tenant, null),
                _ => new OracleWrite.Invalidate(row.Tenant, row.Principal),
            };
        }

        var tenantWide = memberships.Where(k => k.Team.Length == 0).ToArray();
        if (roll >= 0.92 && tenantWide.Length > 0 && Chance(0.5))
        {
            var row = Pick(tenantWide);
            return new OracleWrite.SqlTenantWideRole(row.Tenant, row.Principal, Chance(0.5) ? "team_lead" : "team_member");
        }

        // A membership: mostly for a tenant that exists, sometimes one that does not (FAILED_PRECONDITION).
        var tenant = Chance(0.92) ? Pick(tenants) : Pick(TenantIds);
        var team = Chance(0.5) ? "" : Pick(TeamIds);
        var roles = team.Length == 0
            ? (Chance(0.04) ? Distinct(random.Next(1, 3), TenantRoles).Add("team_lead") : Distinct(random.Next(1, 3), TenantRoles))
            : Distinct(random.Next(0, 3), TeamMembershipRoles);
        var attr = Attributes();
        if (Chance(0.04))
        {
            attr = attr.SetItem(Pick(OraclePrincipal.ReservedKeys.Order(StringComparer.Ordinal).ToArray()), Value.ForString("forged"));
        }

        return new OracleWrite.UpsertMembership(tenant, Pick(PrincipalIds), team, roles, attr);
    }

    /// <summary>A check: mostly for a principal the directory knows (often in its team), sometimes for anyone anywhere.</summary>
    public OracleCheck NextCheck(OracleState state)
    {
        // Often the same question again (a cache hit if nothing it depends on changed), or again with only the context,
        // the team or the principal changed (a hit would be wrong if any of them mattered).
        if (_recent.Count > 0 && Chance(0.6))
        {
            var again = Pick(_recent);
            return random.Next(5) switch
            {
                0 => again with { Context = _contexts.Count > 0 && Chance(0.8) ? Pick(_contexts) : ImmutableSortedDictionary.Create<string, Value>(StringComparer.Ordinal) },
                1 => again with { Team = Chance(0.3) ? "" : Pick(TeamIds) },
                2 => again with { Principal = Pick(PrincipalIds) },
                _ => again,
            };
        }

        var check = NewCheck(state);
        if (_recent.Count < 30)
        {
            _recent.Add(check);
        }
        else
        {
            _recent[random.Next(_recent.Count)] = check;
        }

        return check;
    }

    private OracleCheck NewCheck(OracleState state)
    {
        string tenant, principal, team;
        var memberships = state.Memberships.Keys.OrderBy(k => (k.Tenant, k.Principal, k.Team), Comparer<(string, string, string)>.Create(OrdinalTuple)).ToArray();
        if (memberships.Length > 0 && Chance(0.8))
        {
            var row = Pick(memberships);
            (tenant, principal) = (row.Tenant, row.Principal);
            team = row.Team.Length > 0 && Chance(0.7) ? row.Team : Chance(0.25) ? Pick(TeamIds) : "";
        }
        else
        {
            tenant = Pick(TenantIds);
            principal = Pick(PrincipalIds);
            team = Chance(0.3) ? Pick(TeamIds) : "";
        }

        var context = Chance(0.4) ? ImmutableSortedDictionary.Create<string, Value>(StringComparer.Ordinal)
            : _contexts.Count >= 8 || (_contexts.Count > 0 && Chance(0.8)) ? Pick(_contexts)
            : Remember(_contexts, Context(team));
        var entries = Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
            (_resources.Count >= 24 || (_resources.Count > 0 && Chance(0.85)) ? Pick(_resources) : Remember(_resources, EntryTemplate()))(tenant, principal, team)).ToImmutableArray();
        return new OracleCheck(tenant, principal, team, context, entries);
    }

    private static T Remember<T>(List<T> pool, T item)
    {
        pool.Add(item);
        return item;
    }

    /// <summary>A resource entry whose relation to the check (same tenant, owner, team) is fixed once; the rest is filled per check.</summary>
    private Func<string, string, string, ResourceEntry> EntryTemplate()
    {
        var seed = random.Next();
        return (tenant, principal, team) => new OracleGenerator(new Random(seed)).Entry(tenant, principal, team);
    }

    private ResourceEntry Entry(string tenant, string principal, string team)
    {
        var (kind, actions, _) = WeightedKind();
        var resource = new Resource { Kind = kind, Id = Pick(ResourceIds), PolicyVersion = Chance(0.92) ? "" : Chance(0.6) ? "default" : "v2" };
        var roll = random.NextDouble();
        Value? tenantId = roll switch
        {
            < 0.84 => Value.ForString(tenant),
            < 0.89 => null,
            < 0.93 => Value.ForString(Pick(TenantIds)),
            < 0.95 => Value.ForString(string.Equals(tenant.ToUpperInvariant(), tenant, StringComparison.Ordinal) ? tenant + "X" : tenant.ToUpperInvariant()),
            < 0.96 => Value.ForNull(),
            < 0.97 => Value.ForNumber(1),
            _ => Value.ForString(tenant + ":" + principal),
        };
        if (tenantId is not null)
        {
            resource.Attr["tenant_id"] = tenantId;
        }

        if (Chance(0.9))
        {
            resource.Attr["owner_id"] = Value.ForString(Chance(0.45) ? principal : "someone-else");
        }

        if (Chance(0.5))
        {
            resource.Attr["team_id"] = Value.ForString(team.Length > 0 && Chance(0.7) ? team : Pick(TeamIds));
        }

        if (kind == "oracle_item")
        {
            resource.Attr["level"] = Value.ForNumber(random.Next(0, 4));
            resource.Attr["region"] = Value.ForString(Pick(Regions));
            resource.Attr["label"] = Value.ForString(Pick(Labels));
        }

        // Distinct: the validator refuses duplicate actions.
        return new ResourceEntry { Resource = resource, Actions = { Distinct(random.Next(1, 5), actions) } };
    }

    /// <summary>Request-time facts, often naming what only the directory may decide (they must stay under context).</summary>
    private ImmutableSortedDictionary<string, Value> Context(string team)
    {
        var context = ImmutableSortedDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
        void Maybe(double p, string key, Func<Value> value)
        {
            if (Chance(p))
            {
                context[key] = value();
            }
        }

        Maybe(0.4, "step_up", () => Value.ForBool(Chance(0.6)));
        Maybe(0.2, "mfa", () => Value.ForBool(Chance(0.5)));
        Maybe(0.35, "clearance", () => Value.ForNumber(9));
        Maybe(0.3, "region", () => Value.ForString(Pick(Regions)));
        Maybe(0.2, "labels", () => Value.ForList([.. Labels.Select(Value.ForString)]));
        Maybe(0.15, "tenant_id", () => Value.ForString(Pick(TenantIds)));
        Maybe(0.1, "team_id", () => Value.ForString(team.Length > 0 ? team : Pick(TeamIds)));
        Maybe(0.15, "roles", () => Value.ForList(Value.ForString("org_admin"), Value.ForString("team_lead")));
        Maybe(0.1, "tenant_tier", () => Value.ForString("enterprise"));
        Maybe(0.05, "tenant_status", () => Value.ForString("suspended"));
        Maybe(0.05, "context", () => Value.ForStruct(new Struct { Fields = { ["step_up"] = Value.ForBool(true) } }));
        return context.ToImmutable();
    }

    private ImmutableDictionary<string, Value> Attributes()
    {
        var attr = ImmutableDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
        if (Chance(0.5))
        {
            attr["clearance"] = Value.ForNumber(random.Next(0, 4));
        }

        if (Chance(0.4))
        {
            attr["region"] = Value.ForString(Pick(Regions));
        }

        if (Chance(0.3))
        {
            attr["labels"] = Value.ForList([.. Distinct(random.Next(0, 3), Labels).Select(Value.ForString)]);
        }

        if (Chance(0.2))
        {
            attr["flag"] = Value.ForBool(Chance(0.5));
        }

        if (Chance(0.15))
        {
            attr["nested"] = Value.ForStruct(new Struct { Fields = { ["a"] = Value.ForNumber(random.Next(3)), ["b"] = Value.ForList(Value.ForString("x")) } });
        }

        if (Chance(0.1))
        {
            attr["note"] = Value.ForNull();
        }

        return attr.ToImmutable();
    }

    private ImmutableArray<string> Distinct(int count, string[] from) =>
        [.. from.OrderBy(_ => random.Next()).Take(count)];

    private (string Kind, string[] Actions, int Weight) WeightedKind()
    {
        var roll = random.Next(Kinds.Sum(k => k.Weight));
        foreach (var kind in Kinds)
        {
            if ((roll -= kind.Weight) < 0)
            {
                return kind;
            }
        }

        return Kinds[0];
    }

    private static int OrdinalTuple((string, string, string) a, (string, string, string) b)
    {
        var c = string.CompareOrdinal(a.Item1, b.Item1);
        return c != 0 ? c : (c = string.CompareOrdinal(a.Item2, b.Item2)) != 0 ? c : string.CompareOrdinal(a.Item3, b.Item3);
    }
}
