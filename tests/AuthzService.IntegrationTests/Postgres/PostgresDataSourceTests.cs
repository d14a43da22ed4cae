using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Postgres;
using AuthzService.Testing;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>
/// The shared data source's pool stays below what PostgreSQL accepts. A refused connection (53300, too many clients)
/// makes Npgsql clear the whole pool; a pool that can outgrow the server then reconnects and is cleared round after
/// round, the fully_consistent collapse of issue 17 (docs/performance.md).
/// </summary>
[TestClass]
public sealed class PostgresDataSourceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("Host=db", PostgresDataSource.DefaultMaxPoolSize)]
    [DataRow("Host=db;Maximum Pool Size=100", 100)]
    [DataRow("Host=db;maximum pool size=40", 40)]
    [DataRow("Host=db;MaxPoolSize=5", 5)]
    public void Create_PoolCeiling_DefaultUnlessTheConnectionStringSetsOne(string connectionString, int expected)
    {
        using var dataSource = PostgresDataSource.Create(connectionString);

        Assert.AreEqual(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);
    }

    [TestMethod]
    [DataRow("Host=db", false)]
    [DataRow("Host=db;Multiplexing=true", true)]
    public void Create_Multiplexing_AsTheConnectionStringSays(string connectionString, bool expected)
    {
        using var dataSource = PostgresDataSource.Create(connectionString);

        Assert.AreEqual(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Multiplexing);
    }

    [TestMethod]
    public async Task ReadPrincipal_BurstAboveTheServersConnectionLimit_EveryReadAnswers()
    {
        // Fewer connections than Npgsql's own default pool (100), more than ours: 200 reads at once would open a
        // connection each with the Npgsql default, be refused past 20, and fail.
        const int ServerLimit = 20;
        Assert.IsLessThan(ServerLimit, PostgresDataSource.DefaultMaxPoolSize);
        using var server = await PostgresServer.StartNewAsync(ServerLimit, TestContext.CancellationToken);
        var connectionString = await server.CreateDatabaseAsync("burst", TestContext.CancellationToken);
        await using var dataSource = PostgresDataSource.Create(connectionString);
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var directory = new PostgresDirectory(dataSource);
        await directory.UpsertTenantAsync(new TenantInfo("t", "", "", TenantStatus.Active, ""), TestContext.CancellationToken);
        await directory.UpsertMembershipAsync(new Membership("t", "p", Membership.TenantWide, ["viewer"], new Dictionary<string, object?>()), TestContext.CancellationToken);

        var reads = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => directory.ReadPrincipalAsync("t", "p", null, TestContext.CancellationToken)))
            .ToArray();
        var snapshots = await Task.WhenAll(reads);

        Assert.IsTrue(snapshots.All(s => s.Tenant?.Id == "t" && s.TenantWide?.Roles.SequenceEqual(["viewer"]) == true));
        Assert.IsFalse(File.ReadAllText(server.LogFile).Contains("too many clients", StringComparison.Ordinal), "PostgreSQL refused a connection");
    }
}
