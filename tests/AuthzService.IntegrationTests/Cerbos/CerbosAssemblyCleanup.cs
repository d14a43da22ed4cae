namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>Stops the shared Cerbos; kept apart from other fixtures' assembly hooks.</summary>
[TestClass]
public static class CerbosAssemblyCleanup
{
    [AssemblyCleanup]
    public static Task StopSharedCerbosAsync() => CerbosServerFixture.DisposeSharedAsync();
}
