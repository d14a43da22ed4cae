using System.Diagnostics;
using System.Globalization;
using AuthzService.Infrastructure.Cerbos.Internal;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>
/// Side-by-side latency of one CheckResources through the adapter and the same call made directly on the
/// same channel with a prebuilt request. Reports numbers only (timings on shared machines are noisy).
/// Run: <c>AUTHZ_LATENCY=1 dotnet test tests/AuthzService.IntegrationTests --no-build --filter TestCategory=Latency --logger "console;verbosity=detailed"</c>.
/// </summary>
[TestClass]
public sealed class CerbosLatencyComparison
{
    private const int WarmUp = 200;
    private const int Iterations = 500;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("Latency")]
    public async Task CheckResources_AdapterVersusDirectCall_ReportsMediansAndP99()
    {
        if (Environment.GetEnvironmentVariable("AUTHZ_LATENCY") != "1")
        {
            Assert.Inconclusive("Set AUTHZ_LATENCY=1 to measure.");
        }

        var server = await CerbosServerFixture.GetSharedAsync();
        using var adapter = new CerbosAdapter(server);
        var request = Check(Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read", "update"));
        var wire = CerbosRequestMapper.ToCheck(request);
        var client = adapter.Channels.CreateClient();
        var adapterTimes = new List<double>(Iterations);
        var directTimes = new List<double>(Iterations);

        for (var i = 0; i < WarmUp + Iterations; i++)
        {
            // Interleaved, one in flight, so drift on a shared machine hits both sides alike.
            var t0 = Stopwatch.GetTimestamp();
            await adapter.DecisionPoint.CheckAsync(request, CancellationToken.None);
            var t1 = Stopwatch.GetTimestamp();
            await client.CheckResourcesAsync(wire, deadline: DateTime.UtcNow.AddSeconds(5));
            var t2 = Stopwatch.GetTimestamp();
            if (i >= WarmUp)
            {
                adapterTimes.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
                directTimes.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
            }
        }

        var report = $"CheckResources, {Iterations} iterations each after {WarmUp} warm-up, 1 in flight:\n"
            + Line("adapter", adapterTimes) + "\n" + Line("direct ", directTimes) + "\n"
            + string.Create(CultureInfo.InvariantCulture, $"median ratio adapter/direct: {Percentile(adapterTimes, 0.5) / Percentile(directTimes, 0.5):F3}");
        TestContext.WriteLine(report);
        Console.WriteLine(report);
    }

    private static string Line(string name, List<double> micros) => string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: median {Percentile(micros, 0.5):F0} us, p90 {Percentile(micros, 0.9):F0} us, p99 {Percentile(micros, 0.99):F0} us, mean {micros.Average():F0} us");

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
