using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// Applies the embedded migrations in order and checks, at start-up, that the database holds exactly
/// the migrations this build knows, byte for byte.
/// </summary>
/// <remarks>
/// All pending migrations run in one transaction holding a transaction-scoped advisory lock, so two
/// replicas starting at once serialize: the second waits, then finds nothing to do. A failing migration
/// leaves the database as it was.
/// </remarks>
public sealed class MigrationRunner
{
    // Any constant works; it only has to be the same on every replica. ASCII "AuthzMig".
    internal const long AdvisoryLockKey = 0x417574687A4D6967;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner>? logger = null)
        : this(dataSource, EmbeddedMigrations.All, logger)
    {
    }

    /// <summary>For tests: run a different set of migrations (for example one with an edited script).</summary>
    internal MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<Migration> migrations, ILogger? logger = null)
    {
        _dataSource = dataSource;
        Migrations = migrations;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Whether a failure to reach PostgreSQL is worth waiting out (not up yet, restarting, a network blip), as
    /// opposed to a database that answers wrongly (migrations that do not match this build).
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is SocketException or TimeoutException
        || (exception is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException));
    /// <summary>Applies pending migrations on a data source of its own (the <c>migrate</c> command), then closes it.</summary>
    public static async Task<int> MigrateAsync(string connectionString, ILogger<MigrationRunner> logger, CancellationToken cancellationToken)
    {
        await using var dataSource = PostgresDataSource.Create(connectionString);
        return await new MigrationRunner(dataSource, logger).MigrateAsync(cancellationToken);
    }

    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>
    /// Applies pending migrations. Refuses (and changes nothing) if an applied migration was edited or is
    /// unknown to this build. Returns how many were applied.
    /// </summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateHistoryTable, transaction: transaction, cancellationToken: cancellationToken));

        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken);
        ThrowIfMismatched(Compare(applied, pendingIsProblem: false));

        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        var pending = Migrations.Where(m => !appliedVersions.Contains(m.Version)).ToList();
        foreach (var migration in pending)
        {
            // NpgsqlCommand, not Dapper: a script is many statements and must not be parsed for parameters.
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                new { migration.Version, migration.Name, migration.Checksum }, transaction, cancellationToken: cancellationToken));
            PostgresLog.MigrationApplied(_logger, migration.Version, migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        PostgresLog.MigrationsUpToDate(_logger, Migrations.Count == 0 ? 0 : Migrations[^1].Version);
        return pending.Count;
    }

    /// <summary>
    /// Start-up check: throws <see cref="InvalidOperationException"/> naming every difference between the
    /// database and this build (edited, unknown or pending migrations).
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken));
        var applied = exists ? await ReadAppliedAsync(connection, null, cancellationToken) : [];
        ThrowIfMismatched(Compare(applied, pendingIsProblem: true));
    }

    private static async Task<List<AppliedMigration>> ReadAppliedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
            "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version",
            transaction: transaction, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private List<string> Compare(IReadOnlyList<AppliedMigration> applied, bool pendingIsProblem)
    {
        var problems = new List<string>();
        var known = Migrations.ToDictionary(m => m.Version);
        foreach (var row in applied)
        {
            if (!known.TryGetValue(row.Version, out var migration))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"migration {row.Version} '{row.Name}' is applied but unknown to this build (is this build older than the database?)"));
            }
            else if (!string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"migration {row.Version} '{row.Name}' was changed after it was applied (checksum {row.Checksum} in the database, {migration.Checksum} in this build)"));
            }
        }

        if (pendingIsProblem)
        {
            var appliedVersions = applied.Select(a => a.Version).ToHashSet();
            foreach (var migration in Migrations.Where(m => !appliedVersions.Contains(m.Version)))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"migration {migration.Version} '{migration.Name}' is pending (run the migrations or enable auto-migrate)"));
            }
        }

        return problems;
    }

    private static void ThrowIfMismatched(List<string> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }

        var message = new StringBuilder("The database schema does not match this build: ");
        message.AppendJoin("; ", problems).Append('.');
        throw new InvalidOperationException(message.ToString());
    }

    private sealed record AppliedMigration(int Version, string Name, string Checksum);
}
