using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>A tenant as the model holds it: status <c>active</c> or <c>suspended</c>, the tier as written, the Cerbos scope.</summary>
internal sealed record OracleTenant(string Status, string Tier, string Scope);

/// <summary>A membership row as written through the API (or, for a legacy team role, by SQL).</summary>
internal sealed record OracleMembership(ImmutableArray<string> Roles, ImmutableSortedDictionary<string, Value> Attr);

/// <summary>One membership row's identity; <see cref="Team"/> is empty for the tenant-wide membership.</summary>
internal readonly record struct MembershipKey(string Tenant, string Principal, string Team);

/// <summary>
/// The directory as the model believes it to be after some prefix of the writes: immutable, so every write index keeps
/// its own state and a check can be judged against any state it may legitimately have seen.
/// </summary>
internal sealed record OracleState(ImmutableDictionary<string, OracleTenant> Tenants, ImmutableDictionary<MembershipKey, OracleMembership> Memberships)
{
    public static OracleState Empty { get; } = new(
        ImmutableDictionary.Create<string, OracleTenant>(StringComparer.Ordinal),
        ImmutableDictionary<MembershipKey, OracleMembership>.Empty);

    public OracleMembership? Membership(string tenant, string principal, string team) =>
        Memberships.GetValueOrDefault(new MembershipKey(tenant, principal, team));

    /// <summary>What a write does to the directory and how the API answers it, per docs/api.md and proto/authz/v1/membership.proto.</summary>
    public (OracleState State, OracleOutcome Outcome) Apply(OracleWrite write) => write switch
    {
        OracleWrite.UpsertTenant w => (this with { Tenants = Tenants.SetItem(w.Tenant, new OracleTenant(w.Suspended ? "suspended" : "active", w.Tier, w.Scope)) }, OracleOutcome.Ok),
        // Deletes the tenant with its teams and memberships.
        OracleWrite.DeleteTenant w => (new OracleState(Tenants.Remove(w.Tenant), Memberships.RemoveRange(Memberships.Keys.Where(k => k.Tenant == w.Tenant))), OracleOutcome.Ok),
        OracleWrite.UpsertMembership w => UpsertMembership(w),
        OracleWrite.DeleteMembership w => (this with { Memberships = Memberships.Remove(new MembershipKey(w.Tenant, w.Principal, w.Team)) }, OracleOutcome.Ok),
        OracleWrite.Invalidate or OracleWrite.BumpPolicyEpoch => (this, OracleOutcome.Ok),
        OracleWrite.SqlTenantWideRole w => (this with
        {
            Memberships = Memberships.SetItem(
                new MembershipKey(w.Tenant, w.Principal, ""),
                Membership(w.Tenant, w.Principal, "")! with { Roles = Membership(w.Tenant, w.Principal, "")!.Roles.Add(w.Role) }),
        }, OracleOutcome.Ok),
        _ => throw new InvalidOperationException(write.ToString()),
    };

    private (OracleState, OracleOutcome) UpsertMembership(OracleWrite.UpsertMembership w)
    {
        // Validation comes first (INVALID_ARGUMENT), then the tenant must exist (FAILED_PRECONDITION).
        if (w.Team.Length == 0 && w.Roles.Any(OraclePrincipal.IsTeamRole))
        {
            return (this, OracleOutcome.InvalidArgument);
        }

        if (w.Attr.Keys.Any(OraclePrincipal.ReservedKeys.Contains))
        {
            return (this, OracleOutcome.InvalidArgument);
        }

        if (!Tenants.ContainsKey(w.Tenant))
        {
            return (this, OracleOutcome.FailedPrecondition);
        }

        var row = new OracleMembership(w.Roles, w.Attr.ToImmutableSortedDictionary(StringComparer.Ordinal));
        return (this with { Memberships = Memberships.SetItem(new MembershipKey(w.Tenant, w.Principal, w.Team), row) }, OracleOutcome.Ok);
    }
}

/// <summary>How the write API answers a write.</summary>
internal enum OracleOutcome
{
    Ok,
    InvalidArgument,
    FailedPrecondition,
}
