using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>
/// One real Cerbos for the whole assembly, started on first use. Tests that stop Cerbos or need another
/// certificate start their own <see cref="CerbosServer"/> instead of touching this one.
/// </summary>
internal static class CerbosServerFixture
{
    private static readonly Lazy<Task<CerbosServer>> s_shared =
        new(() => CerbosServer.StartNewAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<CerbosServer> GetSharedAsync() => s_shared.Value;

    internal static async Task DisposeSharedAsync()
    {
        if (s_shared.IsValueCreated && s_shared.Value.IsCompletedSuccessfully)
        {
            await s_shared.Value.Result.DisposeAsync();
        }
    }
}
