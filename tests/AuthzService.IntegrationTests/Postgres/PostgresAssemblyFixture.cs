using AuthzService.Infrastructure.Postgres;
using AuthzService.Testing;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>
/// One PostgreSQL cluster for the whole test assembly; each test class creates its own database in it.
/// </summary>
/// <remarks>
/// <see cref="GetServerAsync"/> starts the cluster lazily, so tests still work if the assembly-level hooks below are
/// ever merged into another fixture class (MSTest allows one [AssemblyInitialize] per assembly).
/// </remarks>
public static class PostgresAssemblyFixture
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static PostgresServer? s_server;
    private static int s_databaseCounter;

    public static async Task StartAsync(TestContext context) => await GetServerAsync(context.CancellationToken);

    public static void Stop()
    {
        s_server?.Dispose();
        s_server = null;
    }

    /// <summary>The shared server, started on first use.</summary>
    public static async Task<PostgresServer> GetServerAsync(CancellationToken cancellationToken = default)
    {
        await s_gate.WaitAsync(cancellationToken);
        try
        {
            return s_server ??= await PostgresServer.StartNewAsync(cancellationToken);
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var server = await GetServerAsync(cancellationToken);
        var name = $"{prefix}_{Interlocked.Increment(ref s_databaseCounter)}".ToLowerInvariant();
        return await server.CreateDatabaseAsync(name, cancellationToken);
    }

    /// <summary>Creates a fresh database with every migration applied; returns its data source.</summary>
    public static async Task<NpgsqlDataSource> CreateMigratedDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var dataSource = PostgresDataSource.Create(await CreateDatabaseAsync(prefix, cancellationToken));
        await new MigrationRunner(dataSource).MigrateAsync(cancellationToken);
        return dataSource;
    }
}
