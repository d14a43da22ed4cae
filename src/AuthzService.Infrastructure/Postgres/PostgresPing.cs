using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>The health probe's question to PostgreSQL: does it answer a trivial statement.</summary>
public sealed class PostgresPing(NpgsqlDataSource dataSource)
{
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }
}
