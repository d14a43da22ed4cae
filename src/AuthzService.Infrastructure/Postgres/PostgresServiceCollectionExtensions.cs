using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// The membership directory on PostgreSQL as one unit: its options (<c>ConnectionStrings:Postgres</c>, section
/// <c>Database</c>) and their validator, the data source, the directory behind both ports, the migration runner
/// and the health ping. The host composes it; nothing outside Infrastructure names the driver.
/// </summary>
public static class PostgresServiceCollectionExtensions
{
    public static IServiceCollection AddPostgresDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(configuration.GetSection(DatabaseOptions.SectionName))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName));

        // Resolved lazily: options validation reports a missing connection string before anything connects.
        services.AddSingleton(sp => PostgresDataSource.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!));
        services.AddSingleton<PostgresDirectory>();
        services.AddSingleton<IDirectoryReader>(sp => sp.GetRequiredService<PostgresDirectory>());
        services.AddSingleton<IDirectoryWriter>(sp => sp.GetRequiredService<PostgresDirectory>());
        services.AddSingleton(sp => new MigrationRunner(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<MigrationRunner>>()));
        services.AddSingleton<PostgresPing>();
        return services;
    }

    /// <summary>The driver's spans (one per command) for the host's tracer.</summary>
    public static TracerProviderBuilder AddPostgresDirectoryInstrumentation(this TracerProviderBuilder tracing) => tracing.AddNpgsql();

    /// <summary>The driver's pool and command metrics for the host's meter.</summary>
    public static MeterProviderBuilder AddPostgresDirectoryInstrumentation(this MeterProviderBuilder metrics) => metrics.AddNpgsqlInstrumentation();
}
