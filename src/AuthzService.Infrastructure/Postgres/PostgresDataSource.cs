using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>Creates the shared <see cref="NpgsqlDataSource"/> with this service's defaults.</summary>
public static class PostgresDataSource
{
    /// <summary>
    /// Turns on automatic preparation unless the connection string says otherwise: the directory runs the
    /// same few statements thousands of times a second, and prepared statements skip parse and plan.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
