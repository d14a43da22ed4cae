using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>A directory write the oracle makes, through the service's MembershipService (or, for the legacy case, SQL).</summary>
internal abstract record OracleWrite
{
    /// <summary>The tenant whose principals the write can change.</summary>
    public abstract string TenantId { get; }

    /// <summary>The one principal the write changes; null when it changes the whole tenant.</summary>
    public virtual string? PrincipalId => null;

    public sealed record UpsertTenant(string Tenant, bool Suspended, string Tier, string Scope) : OracleWrite
    {
        public override string TenantId => Tenant;
    }

    public sealed record DeleteTenant(string Tenant) : OracleWrite
    {
        public override string TenantId => Tenant;
    }

    public sealed record UpsertMembership(string Tenant, string Principal, string Team, ImmutableArray<string> Roles, ImmutableDictionary<string, Value> Attr) : OracleWrite
    {
        public override string TenantId => Tenant;

        public override string? PrincipalId => Principal;

        public override string ToString() =>
            $"UpsertMembership {{ tenant '{Tenant}', principal '{Principal}', team '{Team}', roles [{string.Join(",", Roles)}], attr {{{string.Join(", ", Attr.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"))}}} }}";
    }

    public sealed record DeleteMembership(string Tenant, string Principal, string Team) : OracleWrite
    {
        public override string TenantId => Tenant;

        public override string? PrincipalId => Principal;
    }

    /// <summary>
    /// <c>CacheService.Invalidate</c> of a principal, a tenant, or (<see cref="Tenant"/> empty) every policy decision: the
    /// directory does not change, the caches drop what they hold, and the token must still be honoured.
    /// </summary>
    public sealed record Invalidate(string Tenant, string? Principal) : OracleWrite
    {
        public override string TenantId => Tenant;

        public override string? PrincipalId => Principal;
    }

    /// <summary>A policy epoch bump in SQL (what the policy watcher does after a reload): every replica empties its L1.</summary>
    public sealed record BumpPolicyEpoch : OracleWrite
    {
        public override string TenantId => "";
    }

    /// <summary>
    /// A team role added to an existing tenant-wide membership by SQL, as rows written before the API refused it
    /// (docs/api.md: such a role "does not count").
    /// </summary>
    public sealed record SqlTenantWideRole(string Tenant, string Principal, string Role) : OracleWrite
    {
        public override string TenantId => Tenant;

        public override string? PrincipalId => Principal;
    }
}
