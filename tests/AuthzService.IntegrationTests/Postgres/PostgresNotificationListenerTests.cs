using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Postgres;
using Dapper;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

[TestClass]
public sealed class PostgresNotificationListenerTests
{
    private static NpgsqlDataSource? s_dataSource;
    private static string s_connectionString = "";

    public TestContext TestContext { get; set; } = null!;

    private static PostgresDirectory Directory => new(s_dataSource!);

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        s_dataSource = await PostgresAssemblyFixture.CreateMigratedDatabaseAsync("listener", context.CancellationToken);
        s_connectionString = s_dataSource.ConnectionString;
    }

    [ClassCleanup]
    public static async Task CleanupAsync()
    {
        if (s_dataSource is not null)
        {
            await s_dataSource.DisposeAsync();
        }
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A started listener with its own application name, so a test can kill exactly its connection.</summary>
    private async Task<(PostgresNotificationListener Listener, RecordingInvalidationSink Sink, string AppName)> StartListenerAsync()
    {
        var appName = "listener-" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(s_connectionString) { ApplicationName = appName }.ConnectionString;
        var sink = new RecordingInvalidationSink();
        var listener = new PostgresNotificationListener(connectionString, sink, options: new PostgresNotificationListenerOptions
        {
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        });
        await listener.StartAsync(TestContext.CancellationToken);
        await listener.WhenListeningAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15));
        return (listener, sink, appName);
    }

    [TestMethod]
    public async Task UpsertMembership_ListenerRunning_ReceivesPrincipalAndTenantChanges()
    {
        var (listener, sink, _) = await StartListenerAsync();
        await using var _ = listener;
        var tenant = NewId("t");

        var tenantWrite = await Directory.UpsertTenantAsync(new TenantInfo(tenant, "", "", TenantStatus.Active, ""), TestContext.CancellationToken);
        var write = await Directory.UpsertMembershipAsync(
            new Membership(tenant, "al:ice/%{", "", ["viewer"], new Dictionary<string, object?>()), TestContext.CancellationToken);

        await sink.WaitForAsync($"tenant|{tenant}|{tenantWrite.Version}");
        await sink.WaitForAsync($"principal|{tenant}|al:ice/%{{|{write.Version}");
    }

    [TestMethod]
    public async Task StraightSqlDelete_ListenerRunning_ReceivesPrincipalChange()
    {
        var (listener, sink, _) = await StartListenerAsync();
        await using var _ = listener;
        var tenant = NewId("t");
        await Directory.UpsertTenantAsync(new TenantInfo(tenant, "", "", TenantStatus.Active, ""), TestContext.CancellationToken);
        var added = await Directory.UpsertMembershipAsync(
            new Membership(tenant, "bob", "", ["viewer"], new Dictionary<string, object?>()), TestContext.CancellationToken);

        await using (var connection = await s_dataSource!.OpenConnectionAsync(TestContext.CancellationToken))
        {
            await connection.ExecuteAsync("DELETE FROM memberships WHERE tenant_id = @tenant", new { tenant });
        }

        await sink.WaitForAsync($"principal|{tenant}|bob|{added.Version + 1}");
    }

    [TestMethod]
    public async Task BumpPolicyEpoch_ListenerRunning_ReceivesPolicyChange()
    {
        var (listener, sink, _) = await StartListenerAsync();
        await using var _ = listener;

        var epoch = await Directory.BumpPolicyEpochAsync("bundle-x", TestContext.CancellationToken);

        await sink.WaitForAsync($"policy|{epoch}");
    }

    [TestMethod]
    public async Task BackendTerminated_Listener_ReconnectsResyncsAndKeepsDelivering()
    {
        var (listener, sink, appName) = await StartListenerAsync();
        await using var _ = listener;

        await using (var connection = await s_dataSource!.OpenConnectionAsync(TestContext.CancellationToken))
        {
            var killed = await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @appName) k",
                new { appName });
            Assert.AreEqual(1, killed);
        }

        await sink.WaitForAsync("resync");
        await listener.WhenListeningAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15));

        // LISTEN is active again once the post-reconnect resync has been delivered; wait for that one.
        await sink.WaitForAsync(e => e == "resync" && sink.Events.Count(x => x == "resync") >= 2, "second resync");
        var tenant = NewId("t");
        var write = await Directory.UpsertTenantAsync(new TenantInfo(tenant, "", "", TenantStatus.Active, ""), TestContext.CancellationToken);
        await sink.WaitForAsync($"tenant|{tenant}|{write.Version}");
        Assert.IsTrue(listener.IsListening);
    }

    [TestMethod]
    public async Task StopAsync_Running_StopsListening()
    {
        var (listener, _, _) = await StartListenerAsync();

        await listener.StopAsync(TestContext.CancellationToken);

        Assert.IsFalse(listener.IsListening);
        await listener.DisposeAsync();
    }

    [TestMethod]
    public async Task Start_SharedStringWithMultiplexing_ListensOnItsOwnConnection()
    {
        // The service hands the listener the pool's connection string; multiplexing there (an operator's opt-in)
        // needs pooling, which the listener's dedicated connection turns off.
        var connectionString = new NpgsqlConnectionStringBuilder(s_connectionString) { Multiplexing = true }.ConnectionString;
        await using var listener = new PostgresNotificationListener(connectionString, new RecordingInvalidationSink());

        await listener.StartAsync(TestContext.CancellationToken);
        await listener.WhenListeningAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.IsTrue(listener.IsListening);
    }
}
