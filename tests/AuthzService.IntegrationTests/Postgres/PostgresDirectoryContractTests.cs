using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Postgres;
using AuthzService.IntegrationTests.Directory;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>The directory contract against a real, migrated PostgreSQL database.</summary>
[TestClass]
public sealed class PostgresDirectoryContractTests : DirectoryContractTests
{
    private static NpgsqlDataSource? s_dataSource;
    private static PostgresDirectory? s_directory;

    protected override IDirectoryReader Reader => s_directory!;

    protected override IDirectoryWriter Writer => s_directory!;

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        s_dataSource = await PostgresAssemblyFixture.CreateMigratedDatabaseAsync("contract", context.CancellationToken);
        s_directory = new PostgresDirectory(s_dataSource);
    }

    [ClassCleanup]
    public static async Task CleanupAsync()
    {
        if (s_dataSource is not null)
        {
            await s_dataSource.DisposeAsync();
        }
    }
}
