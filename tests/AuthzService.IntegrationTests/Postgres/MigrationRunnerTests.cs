using AuthzService.Infrastructure.Postgres;
using Dapper;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

[TestClass]
public sealed class MigrationRunnerTests
{
    public TestContext TestContext { get; set; } = null!;

    private async Task<NpgsqlDataSource> FreshDatabaseAsync() =>
        PostgresDataSource.Create(await PostgresAssemblyFixture.CreateDatabaseAsync("migrations", TestContext.CancellationToken));

    [TestMethod]
    public async Task MigrateAsync_FreshDatabase_AppliesAllAndRecordsChecksums()
    {
        await using var dataSource = await FreshDatabaseAsync();
        var runner = new MigrationRunner(dataSource);

        var applied = await runner.MigrateAsync(TestContext.CancellationToken);

        Assert.AreEqual(EmbeddedMigrations.All.Count, applied);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.CancellationToken);
        var rows = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version")).ToList();
        CollectionAssert.AreEqual(
            EmbeddedMigrations.All.Select(m => (m.Version, m.Name, m.Checksum)).ToList(), rows);
        Assert.AreEqual(1, rows[0].Version);
        Assert.AreEqual("directory", rows[0].Name);
        await runner.VerifyAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task MigrateAsync_SecondRun_IsNoOp()
    {
        await using var dataSource = await FreshDatabaseAsync();
        var runner = new MigrationRunner(dataSource);
        await runner.MigrateAsync(TestContext.CancellationToken);

        var applied = await runner.MigrateAsync(TestContext.CancellationToken);

        Assert.AreEqual(0, applied);
        await runner.VerifyAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task MigrateAsync_TwoReplicasAtOnce_AppliesEachMigrationOnce()
    {
        await using var dataSource = await FreshDatabaseAsync();

        var results = await Task.WhenAll(
            new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken),
            new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken));

        Assert.AreEqual(EmbeddedMigrations.All.Count, results.Sum());
        await new MigrationRunner(dataSource).VerifyAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task VerifyAsync_FreshDatabase_ThrowsPending()
    {
        await using var dataSource = await FreshDatabaseAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(dataSource).VerifyAsync(TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "pending");
    }

    [TestMethod]
    public async Task VerifyAsync_AppliedMigrationChanged_ThrowsChecksumMismatch()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var edited = EmbeddedMigrations.All
            .Select(m => m.Version == 1 ? Migration.Create(m.Version, m.Name, m.Sql + "\n-- edited") : m).ToList();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(dataSource, edited).VerifyAsync(TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "changed after it was applied");
    }

    [TestMethod]
    public async Task MigrateAsync_AppliedMigrationChanged_RefusesAndAppliesNothing()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var edited = EmbeddedMigrations.All
            .Select(m => m.Version == 1 ? Migration.Create(m.Version, m.Name, m.Sql + "\n-- edited") : m)
            .Append(Migration.Create(9000, "extra", "CREATE TABLE should_not_exist (id int)"))
            .ToList();

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(dataSource, edited).MigrateAsync(TestContext.CancellationToken));

        await using var connection = await dataSource.OpenConnectionAsync(TestContext.CancellationToken);
        Assert.IsFalse(await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('should_not_exist') IS NOT NULL"));
    }

    [TestMethod]
    public async Task VerifyAsync_UnknownMigrationApplied_Throws()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.CancellationToken))
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', 'x')");
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(dataSource).VerifyAsync(TestContext.CancellationToken));

        StringAssert.Contains(ex.Message, "unknown to this build");
    }

    [TestMethod]
    public async Task MigrateAsync_NewMigrationAdded_AppliesOnlyTheNewOne()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var extended = EmbeddedMigrations.All.Append(Migration.Create(9001, "added", "CREATE TABLE added_later (id int)")).ToList();

        var applied = await new MigrationRunner(dataSource, extended).MigrateAsync(TestContext.CancellationToken);

        Assert.AreEqual(1, applied);
        await new MigrationRunner(dataSource, extended).VerifyAsync(TestContext.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(dataSource).VerifyAsync(TestContext.CancellationToken));
    }
}
