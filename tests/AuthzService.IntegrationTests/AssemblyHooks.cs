using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;

namespace AuthzService.IntegrationTests;

/// <summary>
/// The assembly's only [AssemblyInitialize]/[AssemblyCleanup] (MSTest allows one of each): every
/// shared server fixture is stopped here, whatever started it.
/// </summary>
[TestClass]
public static class AssemblyHooks
{
    [AssemblyInitialize]
    public static Task StartAsync(TestContext context) => PostgresAssemblyFixture.StartAsync(context);

    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        PostgresAssemblyFixture.Stop();
        await CerbosServerFixture.DisposeSharedAsync();
    }
}
