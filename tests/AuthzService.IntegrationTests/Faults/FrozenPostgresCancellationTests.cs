using System.Diagnostics;
using AuthzService.Infrastructure.Postgres;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// Regression for what the freeze suite found: cancelling a directory read or the health ping on a frozen PostgreSQL
/// must neither hold the cancelling thread (Npgsql sends its cancel request synchronously inside the token's callback
/// and waits for the frozen server) nor keep the caller waiting. The bound checked is the hang bound (100 ms past the
/// cancellation), not a speed.
/// </summary>
[TestClass]
[DoNotParallelize] // timed against deadline + 100 ms: alone, not beside the whole parallel suite on 2 cores
public sealed class FrozenPostgresCancellationTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromMilliseconds(100);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task PingAndDirectoryRead_PostgresFrozen_CancelReturnsAtOnceAndCallersStopWaiting()
    {
        using var postgres = await PostgresServer.StartNewAsync(TestContext.CancellationToken);
        var database = await postgres.CreateDatabaseAsync("faults_frozen_cancel", TestContext.CancellationToken);
        await using var dataSource = PostgresDataSource.Create(database);
        await new MigrationRunner(dataSource).MigrateAsync(TestContext.CancellationToken);
        var ping = new PostgresPing(dataSource);
        var directory = new PostgresDirectory(dataSource);
        Assert.IsTrue(await ping.PingAsync(TestContext.CancellationToken));
        await directory.ReadPrincipalAsync("acme", "alice", null, TestContext.CancellationToken);

        var pids = postgres.ProcessIds();
        await ProcessSignals.FreezeAsync(pids);
        try
        {
            foreach (var (name, call) in new (string, Func<CancellationToken, Task>)[]
            {
                ("ping", ct => ping.PingAsync(ct)),
                ("directory read", ct => directory.ReadPrincipalAsync("acme", "alice", null, ct)),
            })
            {
                using var cts = new CancellationTokenSource();
                var pending = call(cts.Token);
                await Task.Delay(300, TestContext.CancellationToken);
                Assert.IsFalse(pending.IsCompleted, $"{name}: a frozen server cannot have answered");

                var cancelling = Stopwatch.StartNew();
                // Cancel, not CancelAsync: the callbacks run on this thread, as on a deadline timer's.
#pragma warning disable CA1849 // the synchronous call is the point
                cts.Cancel();
#pragma warning restore CA1849
                var cancelTook = cancelling.Elapsed;
                var finished = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(10), TestContext.CancellationToken)) == pending;
                var callerWaited = cancelling.Elapsed;

                Assert.IsLessThan(HangBound, cancelTook, $"{name}: Cancel() held the cancelling thread for {cancelTook.TotalMilliseconds:F0} ms");
                Assert.IsTrue(finished, $"{name}: still waiting 10 s after cancellation");
                Assert.IsLessThan(HangBound, callerWaited, $"{name}: the caller waited {callerWaited.TotalMilliseconds:F0} ms after cancellation");
                await Assert.ThrowsAsync<OperationCanceledException>(() => pending, name);
            }
        }
        finally
        {
            await ProcessSignals.ThawAsync(pids);
        }

        // The driver recovers on its own once the server answers again.
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await ping.PingAsync(TestContext.CancellationToken);
                }
                catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
                {
                    return false;
                }
            },
            "PostgreSQL answers the ping after SIGCONT", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
    }
}
