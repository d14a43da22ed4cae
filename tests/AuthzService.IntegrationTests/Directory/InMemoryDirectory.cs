using System.Text;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;

namespace AuthzService.IntegrationTests.Directory;

/// <summary>
/// A reference in-memory directory: proves the contract suite is adapter-agnostic and gives other tests a
/// directory without PostgreSQL. One lock; correctness over speed.
/// </summary>
internal sealed class InMemoryDirectory : IDirectoryReader, IDirectoryWriter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TenantInfo> _tenants = new(StringComparer.Ordinal);
    private readonly HashSet<(string Tenant, string Team)> _teams = [];
    private readonly SortedDictionary<(string Tenant, string Principal, string Team), Membership> _memberships = new(KeyComparer.Instance);
    private readonly Dictionary<(string, string), long> _principalVersions = [];
    private readonly Dictionary<string, long> _tenantVersions = new(StringComparer.Ordinal);
    private long _policyEpoch = 1;

    public Task<PrincipalSnapshot> ReadPrincipalAsync(string tenantId, string principalId, string? teamId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var team = teamId ?? "";
            return Task.FromResult(new PrincipalSnapshot(
                _tenants.GetValueOrDefault(tenantId),
                _memberships.GetValueOrDefault((tenantId, principalId, "")),
                team.Length == 0 ? null : _memberships.GetValueOrDefault((tenantId, principalId, team)),
                _tenantVersions.GetValueOrDefault(tenantId),
                _principalVersions.GetValueOrDefault((tenantId, principalId)),
                _policyEpoch));
        }
    }

    public Task<WriteResult> UpsertTenantAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        RequireId(tenant.Id);
        if (!CerbosScope.IsValid(tenant.CerbosScope))
        {
            throw Invalid("cerbos_scope is not a valid Cerbos scope.");
        }

        lock (_gate)
        {
            var created = !_tenants.TryGetValue(tenant.Id, out var existing);
            var changed = created || existing != tenant;
            _tenants[tenant.Id] = tenant;
            return Task.FromResult(new WriteResult(changed, changed ? BumpTenant(tenant.Id) : _tenantVersions[tenant.Id], created));
        }
    }

    public Task<WriteResult> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireId(tenantId);
        lock (_gate)
        {
            if (!_tenants.Remove(tenantId))
            {
                return Task.FromResult(new WriteResult(false, _tenantVersions.GetValueOrDefault(tenantId)));
            }

            foreach (var key in _memberships.Keys.Where(k => k.Tenant == tenantId).ToList())
            {
                _memberships.Remove(key);
                BumpPrincipal(key.Tenant, key.Principal);
            }

            _teams.RemoveWhere(t => t.Tenant == tenantId);
            return Task.FromResult(new WriteResult(true, BumpTenant(tenantId)));
        }
    }

    public Task<WriteResult> UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken)
    {
        RequireId(membership.TenantId);
        RequireId(membership.PrincipalId);
        RequireTeam(membership.TeamId);
        if (membership.Roles.Any(string.IsNullOrEmpty))
        {
            throw Invalid("roles must not contain empty values.");
        }

        var roles = membership.Roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var stored = membership with { Roles = roles, Attributes = new Dictionary<string, object?>(membership.Attributes) };
        lock (_gate)
        {
            if (!_tenants.ContainsKey(membership.TenantId))
            {
                throw new DirectoryException(DirectoryErrorCode.TenantNotFound, "The tenant does not exist.");
            }

            if (!membership.IsTenantWide && _teams.Add((membership.TenantId, membership.TeamId)))
            {
                BumpTenant(membership.TenantId);
            }

            var key = (membership.TenantId, membership.PrincipalId, membership.TeamId);
            var created = !_memberships.TryGetValue(key, out var existing);
            var changed = created
                || !existing!.Roles.SequenceEqual(roles)
                || Canonical(existing.Attributes) != Canonical(stored.Attributes);
            _memberships[key] = stored;
            var version = changed
                ? BumpPrincipal(membership.TenantId, membership.PrincipalId)
                : _principalVersions[(membership.TenantId, membership.PrincipalId)];
            return Task.FromResult(new WriteResult(changed, version, created));
        }
    }

    public Task<WriteResult> DeleteMembershipAsync(string tenantId, string principalId, string? teamId, CancellationToken cancellationToken)
    {
        RequireId(tenantId);
        RequireId(principalId);
        RequireTeam(teamId);
        lock (_gate)
        {
            var changed = _memberships.Remove((tenantId, principalId, teamId ?? ""));
            var version = changed ? BumpPrincipal(tenantId, principalId) : _principalVersions.GetValueOrDefault((tenantId, principalId));
            return Task.FromResult(new WriteResult(changed, version));
        }
    }

    public Task<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireId(tenantId);
        lock (_gate)
        {
            return Task.FromResult(_tenants.GetValueOrDefault(tenantId));
        }
    }

    public Task<TenantPage> ListTenantsAsync(int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        if (pageSize is < 0 or > DirectoryLimits.MaxPageSize)
        {
            throw Invalid("page_size is out of range.");
        }

        var size = pageSize == 0 ? 100 : pageSize;
        var after = string.IsNullOrEmpty(pageToken) ? null : DecodeToken(pageToken, string.Empty).Item1;
        lock (_gate)
        {
            var rows = _tenants.Values
                .Where(t => after is null || string.CompareOrdinal(t.Id, after) > 0)
                .OrderBy(t => t.Id, StringComparer.Ordinal)
                .Take(size + 1)
                .ToList();
            var items = rows.Take(size).ToList();
            var next = rows.Count > size ? EncodeToken(string.Empty, items[^1].Id, string.Empty) : null;
            return Task.FromResult(new TenantPage(items, next));
        }
    }

    public Task<MembershipPage> ListMembershipsAsync(string tenantId, string? principalId, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        RequireId(tenantId);
        if (pageSize is < 0 or > DirectoryLimits.MaxPageSize)
        {
            throw Invalid("page_size is out of range.");
        }

        var size = pageSize == 0 ? 100 : pageSize;
        (string Principal, string Team)? after = string.IsNullOrEmpty(pageToken) ? null : DecodeToken(pageToken, tenantId);
        lock (_gate)
        {
            var rows = _memberships
                .Where(p => p.Key.Tenant == tenantId && (principalId is null || p.Key.Principal == principalId))
                .Where(p => after is null || KeyComparer.Instance.Compare(p.Key, (tenantId, after.Value.Principal, after.Value.Team)) > 0)
                .Select(p => p.Value)
                .Take(size + 1)
                .ToList();
            var items = rows.Take(size).ToList();
            var next = rows.Count > size ? EncodeToken(tenantId, items[^1].PrincipalId, items[^1].TeamId) : null;
            return Task.FromResult(new MembershipPage(items, next));
        }
    }

    public Task<long> BumpPrincipalAsync(string tenantId, string principalId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(BumpPrincipal(tenantId, principalId));
        }
    }

    public Task<long> BumpTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(BumpTenant(tenantId));
        }
    }

    /// <summary>Makes <see cref="BumpPolicyEpochAsync"/> fail as an unreachable database would.</summary>
    public bool FailBumps { get; set; }

    public Task<long> BumpPolicyEpochAsync(string? label, CancellationToken cancellationToken) =>
        FailBumps ? Task.FromException<long>(new InvalidOperationException("database unreachable")) : Task.FromResult(Interlocked.Increment(ref _policyEpoch));

    private long BumpPrincipal(string tenantId, string principalId) =>
        _principalVersions[(tenantId, principalId)] = _principalVersions.GetValueOrDefault((tenantId, principalId)) + 1;

    private long BumpTenant(string tenantId) =>
        _tenantVersions[tenantId] = _tenantVersions.GetValueOrDefault(tenantId) + 1;

    private static string Canonical(IReadOnlyDictionary<string, object?> attributes) =>
        System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, object?>(attributes.ToDictionary(), StringComparer.Ordinal));

    private static void RequireId(string? id)
    {
        if (!DirectoryLimits.IsValidId(id))
        {
            throw Invalid("An id must be 1 to 128 characters.");
        }
    }

    private static void RequireTeam(string? teamId)
    {
        if (!string.IsNullOrEmpty(teamId))
        {
            RequireId(teamId);
        }
    }

    private static DirectoryException Invalid(string message) => new(DirectoryErrorCode.InvalidArgument, message);

    private static string EncodeToken(string tenant, string principal, string team) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\0', tenant, principal, team)));

    private static (string, string) DecodeToken(string token, string tenantId)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\0');
            return parts.Length == 3 && parts[0] == tenantId ? (parts[1], parts[2]) : throw Invalid("page_token is not valid.");
        }
        catch (FormatException ex)
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, "page_token is not valid.", ex);
        }
    }

    private sealed class KeyComparer : IComparer<(string Tenant, string Principal, string Team)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((string Tenant, string Principal, string Team) x, (string Tenant, string Principal, string Team) y)
        {
            var result = string.CompareOrdinal(x.Tenant, y.Tenant);
            result = result != 0 ? result : string.CompareOrdinal(x.Principal, y.Principal);
            return result != 0 ? result : string.CompareOrdinal(x.Team, y.Team);
        }
    }
}
