using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Postgres;
using Dapper;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>What PostgreSQL itself guarantees, whoever writes: constraints and version triggers on straight SQL.</summary>
[TestClass]
public sealed class PostgresDirectoryTests
{
    private static NpgsqlDataSource? s_dataSource;
    private static PostgresDirectory? s_directory;

    public TestContext TestContext { get; set; } = null!;

    private static NpgsqlDataSource DataSource => s_dataSource!;

    private static PostgresDirectory Directory => s_directory!;

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        s_dataSource = await PostgresAssemblyFixture.CreateMigratedDatabaseAsync("directory_sql", context.CancellationToken);
        s_directory = new PostgresDirectory(s_dataSource);
    }

    [ClassCleanup]
    public static async Task CleanupAsync()
    {
        if (s_dataSource is not null)
        {
            await s_dataSource.DisposeAsync();
        }
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<int> SqlAsync(string sql, object? parameters = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync(TestContext.CancellationToken);
        return await connection.ExecuteAsync(sql, parameters);
    }

    private async Task<long> PrincipalVersionAsync(string tenant, string principal) =>
        (await Directory.ReadPrincipalAsync(tenant, principal, null, TestContext.CancellationToken)).PrincipalVersion;

    [TestMethod]
    public async Task Insert_TeamMembershipAcrossTenants_FailsForeignKey()
    {
        var a = NewId("a");
        var b = NewId("b");
        await SqlAsync("INSERT INTO tenants (id) VALUES (@a), (@b); INSERT INTO teams (tenant_id, id) VALUES (@a, 'red')", new { a, b });

        // Tenant B has no team 'red': a membership in B pointing at A's team cannot exist.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(
            "INSERT INTO memberships (tenant_id, principal_id, team_id, roles) VALUES (@b, 'alice', 'red', '{admin}')", new { b }));

        Assert.AreEqual(PostgresErrorCodes.ForeignKeyViolation, ex.SqlState);
    }

    [TestMethod]
    public async Task Update_MovingTeamMembershipToAnotherTenant_FailsForeignKey()
    {
        var a = NewId("a");
        var b = NewId("b");
        await SqlAsync("""
            INSERT INTO tenants (id) VALUES (@a), (@b);
            INSERT INTO teams (tenant_id, id) VALUES (@a, 'red');
            INSERT INTO memberships (tenant_id, principal_id, team_id, roles) VALUES (@a, 'alice', 'red', '{admin}');
            """, new { a, b });

        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(
            "UPDATE memberships SET tenant_id = @b WHERE tenant_id = @a", new { a, b }));

        Assert.AreEqual(PostgresErrorCodes.ForeignKeyViolation, ex.SqlState);
    }

    [TestMethod]
    public async Task Insert_IdOf129Characters_FailsCheck()
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(
            "INSERT INTO tenants (id) VALUES (@id)", new { id = new string('x', 129) }));
        await SqlAsync("INSERT INTO tenants (id) VALUES (@id)", new { id = new string('y', 96) + Guid.NewGuid().ToString("N") });

        Assert.AreEqual(PostgresErrorCodes.CheckViolation, ex.SqlState);
    }

    [TestMethod]
    public async Task Insert_InvalidStatusOrScope_FailsCheck()
    {
        var status = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(
            "INSERT INTO tenants (id, status) VALUES (@id, 'deleted')", new { id = NewId("t") }));
        var scope = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(
            "INSERT INTO tenants (id, cerbos_scope) VALUES (@id, 'a..b')", new { id = NewId("t") }));

        Assert.AreEqual(PostgresErrorCodes.CheckViolation, status.SqlState);
        Assert.AreEqual(PostgresErrorCodes.CheckViolation, scope.SqlState);
    }

    [TestMethod]
    public async Task StraightSqlMembershipWrites_BumpPrincipalVersionEachTime()
    {
        var tenant = NewId("t");
        await SqlAsync("INSERT INTO tenants (id) VALUES (@tenant)", new { tenant });
        var v0 = await PrincipalVersionAsync(tenant, "alice");

        await SqlAsync("INSERT INTO memberships (tenant_id, principal_id, roles) VALUES (@tenant, 'alice', '{viewer}')", new { tenant });
        var v1 = await PrincipalVersionAsync(tenant, "alice");
        await SqlAsync("UPDATE memberships SET roles = '{editor}' WHERE tenant_id = @tenant", new { tenant });
        var v2 = await PrincipalVersionAsync(tenant, "alice");
        await SqlAsync("UPDATE memberships SET roles = '{editor}' WHERE tenant_id = @tenant", new { tenant });
        var v2Again = await PrincipalVersionAsync(tenant, "alice");
        await SqlAsync("DELETE FROM memberships WHERE tenant_id = @tenant", new { tenant });
        var v3 = await PrincipalVersionAsync(tenant, "alice");

        Assert.AreEqual(0, v0);
        Assert.IsGreaterThan(v0, v1);
        Assert.IsGreaterThan(v1, v2);
        Assert.AreEqual(v2, v2Again, "an UPDATE that changes nothing must not bump");
        Assert.IsGreaterThan(v2, v3);
    }

    [TestMethod]
    public async Task StraightSqlMembershipMove_BumpsBothPrincipals()
    {
        var tenant = NewId("t");
        await SqlAsync("""
            INSERT INTO tenants (id) VALUES (@tenant);
            INSERT INTO memberships (tenant_id, principal_id, roles) VALUES (@tenant, 'alice', '{viewer}');
            """, new { tenant });
        var alice = await PrincipalVersionAsync(tenant, "alice");
        var bob = await PrincipalVersionAsync(tenant, "bob");

        await SqlAsync("UPDATE memberships SET principal_id = 'bob' WHERE tenant_id = @tenant", new { tenant });

        Assert.IsGreaterThan(alice, await PrincipalVersionAsync(tenant, "alice"));
        Assert.IsGreaterThan(bob, await PrincipalVersionAsync(tenant, "bob"));
    }

    [TestMethod]
    public async Task StraightSqlTenantAndTeamWrites_BumpTenantVersion()
    {
        var tenant = NewId("t");
        async Task<long> TenantVersionAsync() =>
            (await Directory.ReadPrincipalAsync(tenant, "x", null, TestContext.CancellationToken)).TenantVersion;

        await SqlAsync("INSERT INTO tenants (id) VALUES (@tenant)", new { tenant });
        var created = await TenantVersionAsync();
        await SqlAsync("UPDATE tenants SET status = 'suspended' WHERE id = @tenant", new { tenant });
        var suspended = await TenantVersionAsync();
        await SqlAsync("INSERT INTO teams (tenant_id, id) VALUES (@tenant, 'red')", new { tenant });
        var teamAdded = await TenantVersionAsync();
        await SqlAsync("DELETE FROM tenants WHERE id = @tenant", new { tenant });
        var deleted = await TenantVersionAsync();

        Assert.IsGreaterThan(0, created);
        Assert.IsGreaterThan(created, suspended);
        Assert.IsGreaterThan(suspended, teamAdded);
        Assert.IsGreaterThan(teamAdded, deleted);
    }

    [TestMethod]
    public async Task UpsertMembership_NewTeam_CreatesTeamInSameTenant()
    {
        var tenant = NewId("t");
        await Directory.UpsertTenantAsync(new TenantInfo(tenant, "", "", TenantStatus.Active, ""), TestContext.CancellationToken);

        await Directory.UpsertMembershipAsync(
            new Membership(tenant, "alice", "red", ["editor"], new Dictionary<string, object?>()), TestContext.CancellationToken);

        await using var connection = await DataSource.OpenConnectionAsync(TestContext.CancellationToken);
        var teams = (await connection.QueryAsync<string>("SELECT id FROM teams WHERE tenant_id = @tenant", new { tenant })).ToList();
        CollectionAssert.AreEqual(new[] { "red" }, teams);
    }
}
