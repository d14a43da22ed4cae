using Npgsql;

namespace AuthzService.Api.Health;

internal sealed class PostgresProbe(NpgsqlDataSource dataSource) : IDependencyProbe
{
    public string Name => "postgres";

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }
}
