using Npgsql;

namespace AuthzService.Api.Health;

/// <summary>PostgreSQL is up when it answers and the migrations have been verified (or applied).</summary>
internal sealed class PostgresProbe(NpgsqlDataSource dataSource, MigrationGate migrations) : IDependencyProbe
{
    public string Name => "postgres";

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!migrations.IsReady)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }
}
