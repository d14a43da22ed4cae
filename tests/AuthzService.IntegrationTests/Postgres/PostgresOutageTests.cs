using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Postgres;
using AuthzService.Testing;
using Npgsql;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>Stops and restarts a server, so it uses its own cluster rather than the shared one.</summary>
[TestClass]
public sealed class PostgresOutageTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ServerRestart_Listener_ResyncsAndDeliversAfterRecovery()
    {
        using var server = await PostgresServer.StartNewAsync(TestContext.CancellationToken);
        var connectionString = await server.CreateDatabaseAsync("outage", TestContext.CancellationToken);
        await using var dataSource = PostgresDataSource.Create(connectionString);
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var sink = new RecordingInvalidationSink();
        await using var listener = new PostgresNotificationListener(connectionString, sink, options: new PostgresNotificationListenerOptions
        {
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(300),
        });
        await listener.StartAsync(TestContext.CancellationToken);
        await listener.WhenListeningAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15));

        await server.StopAsync(TestContext.CancellationToken);
        await sink.WaitForAsync("resync");
        var directory = new PostgresDirectory(dataSource);
        // No driver exception leaves Infrastructure: the outage is the directory's own Unavailable.
        var down = await Assert.ThrowsExactlyAsync<DirectoryException>(
            () => directory.ReadPrincipalAsync("t", "p", null, TestContext.CancellationToken));
        var writeDown = await Assert.ThrowsExactlyAsync<DirectoryException>(
            () => directory.UpsertTenantAsync(new TenantInfo("down", "", "", TenantStatus.Active, ""), TestContext.CancellationToken));
        await server.StartAsync(TestContext.CancellationToken);
        await sink.WaitForAsync(e => e == "resync" && sink.Events.Count(x => x == "resync") >= 2, "resync after reconnect", TimeSpan.FromSeconds(30));

        NpgsqlConnection.ClearAllPools();
        var write = await directory.UpsertTenantAsync(new TenantInfo("back", "", "", TenantStatus.Active, ""), TestContext.CancellationToken);
        await sink.WaitForAsync($"tenant|back|{write.Version}");
        Assert.AreEqual(DirectoryErrorCode.Unavailable, down.Code);
        Assert.IsInstanceOfType<NpgsqlException>(down.InnerException);
        Assert.AreEqual(DirectoryErrorCode.Unavailable, writeDown.Code);
        Assert.IsTrue(server.IsRunning);
    }
}
