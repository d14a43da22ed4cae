using AuthzService.Testing;
using Grpc.Health.V1;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// Issue 14.5: each dependency frozen (SIGSTOP: its sockets stay open, nothing answers) under concurrent load, then
/// continued (SIGCONT). No call may be allowed that the state does not warrant, none may answer later than its
/// deadline + 100 ms, health says NOT_SERVING while PostgreSQL or Cerbos is frozen (a frozen Redis costs speed only:
/// health stays SERVING and calls still answer), and the same service recovers without a restart.
/// </summary>
[TestClass]
[DoNotParallelize] // timed against deadline + 100 ms: alone, not beside the whole parallel suite on 2 cores
public sealed class DependencyFreezeTests
{
    /// <summary>The callers' deadline: generous for a loaded 2-core machine; the bound checked is this + 100 ms.</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromMilliseconds(1500);

    private static readonly TimeSpan MinimumFreeze = TimeSpan.FromSeconds(3);

    /// <summary>How long health may take to notice a frozen PostgreSQL or Cerbos (probe interval 200 ms, probe timeout 1 s).</summary>
    private static readonly TimeSpan HealthBound = TimeSpan.FromSeconds(10);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public Task Postgres_FrozenUnderLoad_NoWrongAllowNoneLateNotServingThenRecovers() =>
        FreezeAsync("postgres", s => s.Postgres.ProcessIds(), reflectedInHealth: true);

    [TestMethod]
    public Task Cerbos_FrozenUnderLoad_NoWrongAllowNoneLateNotServingThenRecovers() =>
        FreezeAsync("cerbos", s => [s.Cerbos.ProcessId], reflectedInHealth: true);

    [TestMethod]
    public Task Redis_FrozenUnderLoad_NoWrongAllowNoneLateStillServingAndAnswering() =>
        FreezeAsync("redis", s => [s.Redis.ProcessId], reflectedInHealth: false);

    private async Task FreezeAsync(string dependency, Func<FaultStack, IReadOnlyList<int>> pids, bool reflectedInHealth)
    {
        await using var stack = await FaultStack.StartAsync("faults_freeze_" + dependency, TestContext.CancellationToken);
        var service = stack.Service;
        var load = new FaultLoad(CallDeadline);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(service.Address, workers: 4, seed: 14_5, stop.Token);
        var frozen = new List<int>();
        DateTime frozenAt, thawedAt;
        var healthDuringFreeze = new List<HealthCheckResponse.Types.ServingStatus>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CancellationToken);
            frozen.AddRange(pids(stack));
            frozenAt = DateTime.UtcNow;
            await ProcessSignals.FreezeAsync(frozen);
            // Frozen for at least MinimumFreeze; for PostgreSQL and Cerbos until health said NOT_SERVING (at most HealthBound).
            healthDuringFreeze.AddRange(await stack.WatchHealthAsync(MinimumFreeze, reflectedInHealth, HealthBound, TestContext.CancellationToken));
        }
        finally
        {
            thawedAt = DateTime.UtcNow;
            if (frozen.Count > 0)
            {
                await ProcessSignals.ThawAsync(frozen);
            }
        }

        await stack.RecoverAsync(TestContext.CancellationToken);
        var recoveredAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CancellationToken);
        await stop.CancelAsync();
        await running;

        Report(load.Summary(dependency, "sigstop") +
            $" frozen_s={(thawedAt - frozenAt).TotalSeconds:F1} health_during={string.Join(',', healthDuringFreeze.Distinct())}");
        load.AssertNoWrongAllowAndNoneLate();
        load.AssertAllOkSince(recoveredAt);
        if (reflectedInHealth)
        {
            CollectionAssert.Contains(healthDuringFreeze, HealthCheckResponse.Types.ServingStatus.NotServing, $"health while frozen, within {HealthBound}");
        }
        else
        {
            // Redis costs speed only: still SERVING, and every call during the freeze answered.
            CollectionAssert.AreEqual(new[] { HealthCheckResponse.Types.ServingStatus.Serving }, healthDuringFreeze.Distinct().ToArray());
            var during = load.StatusesBetween(frozenAt, thawedAt);
            Assert.IsTrue(during.All(s => s == Grpc.Core.StatusCode.OK), "calls while Redis was frozen: " + string.Join(',', during.Distinct()));
        }
    }

    private void Report(string line)
    {
        TestContext.WriteLine(line);
        SuiteReport.Write(line);
    }
}
