namespace AuthzService.Infrastructure.Postgres;

/// <summary>Membership store settings: <c>ConnectionStrings:Postgres</c> plus section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";
    public const string ConnectionStringName = "Postgres";

    /// <summary>Npgsql connection string (bound from <c>ConnectionStrings:Postgres</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up. Off by default: production runs <c>make migrate</c> or the Helm hook.</summary>
    public bool AutoMigrate { get; set; }
}
