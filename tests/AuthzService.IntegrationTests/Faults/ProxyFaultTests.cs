using AuthzService.Testing;
using Grpc.Health.V1;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// Issue 14.5: a <see cref="TcpFaultProxy"/> between the service and PostgreSQL, Redis or Cerbos switches, under
/// concurrent load, from pass to delay (200 ms per chunk), black hole (accepted and read, never forwarded), pass,
/// reset (RST on every connection), pass. The assertions of <see cref="DependencyFreezeTests"/>: no wrong allow, no
/// answer later than its deadline + 100 ms, health NOT_SERVING during the black hole and the resets of PostgreSQL and
/// Cerbos (Redis: SERVING and every call answered throughout), and recovery without restart after each.
/// </summary>
[TestClass]
[DoNotParallelize] // timed against deadline + 100 ms: alone, not beside the whole parallel suite on 2 cores
public sealed class ProxyFaultTests
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan HealthBound = TimeSpan.FromSeconds(10);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public Task Postgres_BehindProxyDelayBlackholeReset_NoWrongAllowNoneLateNotServingThenRecovers() => RunAsync("postgres", true);

    [TestMethod]
    public Task Cerbos_BehindProxyDelayBlackholeReset_NoWrongAllowNoneLateNotServingThenRecovers() => RunAsync("cerbos", true);

    [TestMethod]
    public Task Redis_BehindProxyDelayBlackholeReset_NoWrongAllowNoneLateStillServingAndAnswering() => RunAsync("redis", false);

    private async Task RunAsync(string dependency, bool reflectedInHealth)
    {
        await using var stack = await FaultStack.StartAsync("faults_proxy_" + dependency, TestContext.CancellationToken, proxied: dependency);
        var service = stack.Service;
        var proxy = stack.Proxy!;
        var load = new FaultLoad(CallDeadline);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(service.Address, workers: 4, seed: 14_52, stop.Token);
        var health = new Dictionary<ProxyMode, List<HealthCheckResponse.Types.ServingStatus>>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CancellationToken);
            proxy.Mode = ProxyMode.Delay;
            health[ProxyMode.Delay] = await stack.WatchHealthAsync(TimeSpan.FromSeconds(2), untilNotServing: false, HealthBound, TestContext.CancellationToken);
            foreach (var fault in new[] { ProxyMode.Blackhole, ProxyMode.Reset })
            {
                proxy.Mode = fault;
                health[fault] = await stack.WatchHealthAsync(TimeSpan.FromSeconds(3), reflectedInHealth, HealthBound, TestContext.CancellationToken);
                proxy.Mode = ProxyMode.Pass;
                await stack.RecoverAsync(TestContext.CancellationToken);
            }
        }
        finally
        {
            proxy.Mode = ProxyMode.Pass;
        }

        var recoveredAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.CancellationToken);
        await stop.CancelAsync();
        await running;

        var line = load.Summary(dependency, "proxy:delay200,blackhole,reset") + $" connections={proxy.Accepted} " +
            string.Join(' ', health.Select(h => $"health_{h.Key.ToString().ToLowerInvariant()}={string.Join(',', h.Value.Distinct())}"));
        TestContext.WriteLine(line);
        SuiteReport.Write(line);
        load.AssertNoWrongAllowAndNoneLate();
        load.AssertAllOkSince(recoveredAt);
        if (reflectedInHealth)
        {
            CollectionAssert.Contains(health[ProxyMode.Blackhole], HealthCheckResponse.Types.ServingStatus.NotServing, $"health during the black hole, within {HealthBound}");
            CollectionAssert.Contains(health[ProxyMode.Reset], HealthCheckResponse.Types.ServingStatus.NotServing, $"health during the resets, within {HealthBound}");
        }
        else
        {
            Assert.IsTrue(health.Values.SelectMany(h => h).All(s => s == HealthCheckResponse.Types.ServingStatus.Serving), "Redis costs speed only: " + line);
            Assert.IsTrue(load.Statuses.Keys.All(s => s == Grpc.Core.StatusCode.OK), "every call answered while Redis misbehaved: " + load.Details);
        }
    }
}
