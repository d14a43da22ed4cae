using System.Data.Common;
using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>Creates the shared <see cref="NpgsqlDataSource"/> with this service's defaults.</summary>
public static class PostgresDataSource
{
    /// <summary>
    /// The pool's ceiling when the connection string names none (Npgsql's own default is 100). A directory read is
    /// one short statement, so a few connections serve hundreds of calls in flight (measured: 16, 64 and 100 give the
    /// same throughput at 200 in flight, docs/performance.md). What matters is staying below what PostgreSQL accepts:
    /// a connection it refuses ("too many clients", 53300) makes Npgsql clear the whole pool, and a pool sized at or
    /// above the server's <c>max_connections</c> (100 by default) then reconnects, is refused and is cleared again,
    /// round after round (issue 17). Budget: replicas x (this + 1 listener connection) below the server's limit.
    /// </summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>
    /// Turns on automatic preparation unless the connection string says otherwise: the directory runs the
    /// same few statements thousands of times a second, and prepared statements skip parse and plan.
    /// Bounds the pool at <see cref="DefaultMaxPoolSize"/> unless the connection string sets <c>Maximum Pool Size</c>.
    /// Multiplexing (<c>Multiplexing=true</c>) is the operator's choice: measured faster on the fully_consistent path
    /// (docs/performance.md), not yet the default (decision 44).
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Names(builder, "Maximum Pool Size"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    // NpgsqlConnectionStringBuilder answers every known keyword (set or not) through its own ContainsKey; its
    // ConnectionString holds only what was set, under the canonical name (synonyms such as MaxPoolSize included).
    private static bool Names(NpgsqlConnectionStringBuilder builder, string canonicalKeyword) =>
        new DbConnectionStringBuilder { ConnectionString = builder.ConnectionString }.ContainsKey(canonicalKeyword);
}
