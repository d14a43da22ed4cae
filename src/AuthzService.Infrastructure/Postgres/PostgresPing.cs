using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>The health probe's question to PostgreSQL: does it answer a trivial statement.</summary>
public sealed class PostgresPing(NpgsqlDataSource dataSource)
{
    /// <summary>True when PostgreSQL answers; returns (throws) as soon as <paramref name="cancellationToken"/> is cancelled, even when the server is frozen.</summary>
    public Task<bool> PingAsync(CancellationToken cancellationToken) =>
        DriverCancellation.RunAsync(
            async token =>
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                return await command.ExecuteScalarAsync(token) is 1;
            },
            cancellationToken);
}
