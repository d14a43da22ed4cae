using AuthzService.Infrastructure.Postgres;

namespace AuthzService.Api.Health;

/// <summary>PostgreSQL is up when it answers and the migrations have been verified (or applied).</summary>
internal sealed class PostgresProbe(PostgresPing ping, MigrationGate migrations) : IDependencyProbe
{
    public string Name => "postgres";

    public Task<bool> ProbeAsync(CancellationToken cancellationToken) =>
        migrations.IsReady ? ping.PingAsync(cancellationToken) : Task.FromResult(false);
}
