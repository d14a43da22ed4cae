using AuthzService.Infrastructure.Postgres;

namespace AuthzService.Api;

/// <summary><c>migrate</c>: apply pending migrations with the service's own configuration, then exit.</summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        var problems = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { ConnectionString = connectionString });
        if (problems.Failed)
        {
            foreach (var failure in problems.Failures)
            {
                await Console.Error.WriteLineAsync("configuration error: " + failure);
            }

            return StartupErrorReporter.ConfigurationExitCode;
        }

        using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole());
        var applied = await MigrationRunner.MigrateAsync(connectionString!, loggerFactory.CreateLogger<MigrationRunner>(), CancellationToken.None);
        await Console.Out.WriteLineAsync($"migrations applied: {applied}");
        return 0;
    }
}
