using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using Dapper;
using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>The membership directory on PostgreSQL: both ports, Npgsql + Dapper, idempotent writes.</summary>
public sealed class PostgresDirectory : IDirectoryReader, IDirectoryWriter
{
    private const int DefaultPageSize = 100;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDirectory(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task<PrincipalSnapshot> ReadPrincipalAsync(
        string tenantId, string principalId, string? teamId, CancellationToken cancellationToken)
    {
        var team = teamId ?? Membership.TenantWide;
        var row = await OnConnectionAsync(
            (connection, token) => connection.QuerySingleAsync<PrincipalRow>(new CommandDefinition(
                DirectorySql.ReadPrincipal,
                new { tenant = tenantId, principal = principalId, team },
                cancellationToken: token)),
            cancellationToken);

        var tenant = row.TenantId is null
            ? null
            : new TenantInfo(row.TenantId, row.DisplayName!, row.CerbosScope!, ParseStatus(row.Status!), row.Tier!);
        var wide = row.WideRoles is null
            ? null
            : new Membership(tenantId, principalId, Membership.TenantWide, row.WideRoles, JsonAttributes.Deserialize(row.WideAttr));
        var teamMembership = row.TeamRoles is null
            ? null
            : new Membership(tenantId, principalId, team, row.TeamRoles, JsonAttributes.Deserialize(row.TeamAttr));
        return new PrincipalSnapshot(tenant, wide, teamMembership, row.TenantVersion, row.PrincipalVersion, row.PolicyEpoch);
    }

    public Task<WriteResult> UpsertTenantAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        RequireId(tenant.Id, "tenant_id");
        if (!CerbosScope.IsValid(tenant.CerbosScope))
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument,
                "cerbos_scope must be dot-separated segments of letters, digits, '_' and '-' (or empty), at most 128 characters.");
        }

        var parameters = new
        {
            tenant.Id,
            DisplayName = tenant.DisplayName ?? string.Empty,
            tenant.CerbosScope,
            Status = FormatStatus(tenant.Status),
            Tier = tenant.Tier ?? string.Empty,
        };
        return WriteAsync(DirectorySql.UpsertTenant, parameters, cancellationToken);
    }

    public Task<WriteResult> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        return WriteAsync(DirectorySql.DeleteTenant, new { Id = tenantId }, cancellationToken);
    }

    public Task<WriteResult> UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        RequireId(membership.TenantId, "tenant_id");
        RequireId(membership.PrincipalId, "principal_id");
        RequireTeam(membership.TeamId);
        if (membership.Roles.Any(string.IsNullOrEmpty))
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, "roles must not contain empty values.");
        }

        // Sorted and distinct, so re-sending the same roles in another order is recognised as "no change".
        var roles = membership.Roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var parameters = new
        {
            membership.TenantId,
            membership.PrincipalId,
            TeamId = membership.TeamId ?? Membership.TenantWide,
            Roles = roles,
            Attr = JsonAttributes.Serialize(membership.Attributes ?? new Dictionary<string, object?>()),
        };
        return WriteAsync(DirectorySql.UpsertMembership, parameters, cancellationToken);
    }

    public Task<WriteResult> DeleteMembershipAsync(
        string tenantId, string principalId, string? teamId, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        RequireId(principalId, "principal_id");
        RequireTeam(teamId);
        var parameters = new { TenantId = tenantId, PrincipalId = principalId, TeamId = teamId ?? Membership.TenantWide };
        return WriteAsync(DirectorySql.DeleteMembership, parameters, cancellationToken);
    }

    public async Task<MembershipPage> ListMembershipsAsync(
        string tenantId, string? principalId, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        if (principalId is not null)
        {
            RequireId(principalId, "principal_id");
        }

        if (pageSize is < 0 or > DirectoryLimits.MaxPageSize)
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, $"page_size must be between 0 and {DirectoryLimits.MaxPageSize}.");
        }

        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        string sql;
        object parameters;
        if (string.IsNullOrEmpty(pageToken))
        {
            sql = DirectorySql.ListMembershipsFirst;
            parameters = new { TenantId = tenantId, PrincipalId = principalId, Limit = size + 1 };
        }
        else
        {
            var (afterPrincipal, afterTeam) = MembershipPageToken.Decode(pageToken, tenantId);
            sql = DirectorySql.ListMembershipsAfter;
            parameters = new { TenantId = tenantId, PrincipalId = principalId, AfterPrincipal = afterPrincipal, AfterTeam = afterTeam, Limit = size + 1 };
        }

        var rows = (await OnConnectionAsync(
            (connection, token) => connection.QueryAsync<MembershipRow>(new CommandDefinition(sql, parameters, cancellationToken: token)),
            cancellationToken)).AsList();

        // One extra row tells whether another page exists without a COUNT.
        var items = rows.Take(size)
            .Select(r => new Membership(r.TenantId, r.PrincipalId, r.TeamId, r.Roles, JsonAttributes.Deserialize(r.Attr)))
            .ToList();
        var next = rows.Count > size
            ? MembershipPageToken.Encode(tenantId, items[^1].PrincipalId, items[^1].TeamId)
            : null;
        return new MembershipPage(items, next);
    }

    public async Task<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        var row = await OnConnectionAsync(
            (connection, token) => connection.QuerySingleOrDefaultAsync<TenantRow>(
                new CommandDefinition(DirectorySql.GetTenant, new { Id = tenantId }, cancellationToken: token)),
            cancellationToken);
        return row is null ? null : ToTenant(row);
    }

    public async Task<TenantPage> ListTenantsAsync(int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        if (pageSize is < 0 or > DirectoryLimits.MaxPageSize)
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument, $"page_size must be between 0 and {DirectoryLimits.MaxPageSize}.");
        }

        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        // Tenant listings reuse the membership token with an empty tenant, which no membership listing can have.
        var after = string.IsNullOrEmpty(pageToken) ? null : MembershipPageToken.Decode(pageToken, string.Empty).PrincipalId;
        var rows = (await OnConnectionAsync(
            (connection, token) => connection.QueryAsync<TenantRow>(
                new CommandDefinition(DirectorySql.ListTenants, new { After = after, Limit = size + 1 }, cancellationToken: token)),
            cancellationToken)).AsList();
        var items = rows.Take(size).Select(ToTenant).ToList();
        var next = rows.Count > size ? MembershipPageToken.Encode(string.Empty, items[^1].Id, string.Empty) : null;
        return new TenantPage(items, next);
    }

    public Task<long> BumpPrincipalAsync(string tenantId, string principalId, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        RequireId(principalId, "principal_id");
        return ScalarAsync(DirectorySql.BumpPrincipal, new { TenantId = tenantId, PrincipalId = principalId }, cancellationToken);
    }

    public Task<long> BumpTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireId(tenantId, "tenant_id");
        return ScalarAsync(DirectorySql.BumpTenant, new { TenantId = tenantId }, cancellationToken);
    }

    public Task<long> BumpPolicyEpochAsync(string? label, CancellationToken cancellationToken) =>
        ScalarAsync(DirectorySql.BumpPolicyEpoch, new { Label = label }, cancellationToken);

    // Each write script is "change ... RETURNING true; SELECT version": the version is read after the
    // change (and its trigger) inside the same transaction, so it is the version the change produced.
    private Task<WriteResult> WriteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        OnConnectionAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                bool changed;
                bool created;
                long version;
                await using (var results = await connection.QueryMultipleAsync(
                    new CommandDefinition(sql, parameters, transaction, cancellationToken: token)))
                {
                    // Statements without RETURNING (the team upsert) produce no result set; Npgsql skips them.
                    var returned = (await results.ReadAsync<bool>()).AsList();
                    changed = returned.Count > 0;
                    created = changed && returned[0];
                    version = await results.ReadSingleAsync<long>();
                }

                await transaction.CommitAsync(token);
                return new WriteResult(changed, version, created);
            },
            cancellationToken);

    private Task<long> ScalarAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        OnConnectionAsync(
            (connection, token) => connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: token)),
            cancellationToken);

    /// <summary>
    /// Every database round trip of the directory goes through here, so no driver exception leaves
    /// Infrastructure: constraint violations become the directory's argument errors, and every other failure
    /// of PostgreSQL or of the way to it (refused or broken connection, pool exhausted, command timeout, a
    /// server shutting down) is <see cref="DirectoryErrorCode.Unavailable"/>. Cancellation passes through, at once:
    /// the work gets the driver's token of <see cref="DriverCancellation"/>, not the caller's.
    /// </summary>
    private async Task<T> OnConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await DriverCancellation.RunAsync(
                async token =>
                {
                    await using var connection = await _dataSource.OpenConnectionAsync(token);
                    return await work(connection, token);
                },
                cancellationToken);
        }
        catch (PostgresException ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new DirectoryException(DirectoryErrorCode.Unavailable, "Membership store unavailable.", ex);
        }
    }

    private static DirectoryException? Translate(PostgresException ex) => ex.SqlState switch
    {
        PostgresErrorCodes.ForeignKeyViolation => new DirectoryException(
            DirectoryErrorCode.TenantNotFound, "The tenant does not exist.", ex),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.StringDataRightTruncation
            or PostgresErrorCodes.NotNullViolation => new DirectoryException(
            DirectoryErrorCode.InvalidArgument, "A value is outside the directory's limits.", ex),
        _ => null,
    };

    private static void RequireId(string? id, string field)
    {
        if (!DirectoryLimits.IsValidId(id))
        {
            throw new DirectoryException(DirectoryErrorCode.InvalidArgument,
                $"{field} must be 1 to {DirectoryLimits.MaxIdLength} characters.");
        }
    }

    private static void RequireTeam(string? teamId)
    {
        if (!string.IsNullOrEmpty(teamId))
        {
            RequireId(teamId, "team_id");
        }
    }

    private static TenantStatus ParseStatus(string status) =>
        status == "suspended" ? TenantStatus.Suspended : TenantStatus.Active;

    private static string FormatStatus(TenantStatus status) => status switch
    {
        TenantStatus.Active => "active",
        TenantStatus.Suspended => "suspended",
        _ => throw new DirectoryException(DirectoryErrorCode.InvalidArgument, "status must be active or suspended."),
    };

    private static TenantInfo ToTenant(TenantRow row) =>
        new(row.Id, row.DisplayName, row.CerbosScope, ParseStatus(row.Status), row.Tier);

    private sealed class TenantRow
    {
        public string Id { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string CerbosScope { get; init; } = "";
        public string Status { get; init; } = "";
        public string Tier { get; init; } = "";
    }

    private sealed class PrincipalRow
    {
        public string? TenantId { get; init; }
        public string? DisplayName { get; init; }
        public string? CerbosScope { get; init; }
        public string? Status { get; init; }
        public string? Tier { get; init; }
        public string[]? WideRoles { get; init; }
        public string? WideAttr { get; init; }
        public string[]? TeamRoles { get; init; }
        public string? TeamAttr { get; init; }
        public long TenantVersion { get; init; }
        public long PrincipalVersion { get; init; }
        public long PolicyEpoch { get; init; }
    }

    private sealed class MembershipRow
    {
        public string TenantId { get; init; } = "";
        public string PrincipalId { get; init; } = "";
        public string TeamId { get; init; } = "";
        public string[] Roles { get; init; } = [];
        public string? Attr { get; init; }
    }
}
