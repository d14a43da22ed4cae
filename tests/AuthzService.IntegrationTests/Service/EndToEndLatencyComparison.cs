using System.Diagnostics;
using System.Globalization;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using static AuthzService.IntegrationTests.Service.AuthzApi;
using CerbosApi = Cerbos.Api.V1;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// One CheckResources through the whole service (our client → AuthzService → PostgreSQL principal → Cerbos)
/// next to the same decision asked of Cerbos directly over mTLS with a hand-built cerbos.svc.v1 request.
/// Reports numbers only (timings on shared machines are noisy). Run in Release:
/// <c>dotnet build tests/AuthzService.IntegrationTests -c Release &amp;&amp; AUTHZ_LATENCY=1 dotnet test tests/AuthzService.IntegrationTests -c Release --no-build --filter "TestCategory=Latency&amp;FullyQualifiedName~EndToEnd" --logger "console;verbosity=detailed"</c>.
/// </summary>
[TestClass]
public sealed class EndToEndLatencyComparison
{
    private const int WarmUp = 200;
    private const int Iterations = 500;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("Latency")]
    public async Task CheckResources_ServiceVersusDirectCerbos_ReportsMediansAndP99()
    {
        if (Environment.GetEnvironmentVariable("AUTHZ_LATENCY") != "1")
        {
            Assert.Inconclusive("Set AUTHZ_LATENCY=1 to measure.");
        }

        var cerbos = await CerbosServerFixture.GetSharedAsync();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_latency", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            database, cerbos, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }, TestContext.CancellationToken);
        await service.UpsertTenantAsync("globex", tier: "pro");
        await service.GrantAsync("globex", "gx_member", "", "member");
        var request = Check("globex", "gx_member", Entry(Resource("project", "gx-1", "globex", owner: "gx_member"), "read", "update"));
        request.IncludeMeta = true;
        var principal = (await service.CheckAsync(request)).Meta.Principal;
        request.IncludeMeta = false;

        using var adapter = new CerbosAdapter(cerbos);
        var cerbosClient = adapter.Channels.CreateClient();
        var direct = DirectRequest(principal, request.Resources[0]);

        var serviceTimes = new List<double>(Iterations);
        var directTimes = new List<double>(Iterations);
        for (var i = 0; i < WarmUp + Iterations; i++)
        {
            // Interleaved, one in flight, so drift on a shared machine hits both sides alike.
            var t0 = Stopwatch.GetTimestamp();
            var viaService = await service.CheckAsync(request);
            var t1 = Stopwatch.GetTimestamp();
            var viaCerbos = await cerbosClient.CheckResourcesAsync(direct, deadline: DateTime.UtcNow.AddSeconds(5));
            var t2 = Stopwatch.GetTimestamp();
            if (i == 0)
            {
                // Same question, same answer: read allowed, update allowed (owner).
                Assert.AreEqual(Effect.Allow, viaService.Results[0].Actions["update"]);
                Assert.AreEqual(CerbosApi.Effect.Effect.Allow, viaCerbos.Results[0].Actions["update"]);
            }

            if (i >= WarmUp)
            {
                serviceTimes.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds);
                directTimes.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds);
            }
        }

        var report = $"CheckResources (project read+update), {Iterations} iterations each after {WarmUp} warm-up, 1 in flight, interleaved:\n"
            + Line("service", serviceTimes) + "\n" + Line("direct ", directTimes) + "\n"
            + string.Create(CultureInfo.InvariantCulture, $"median ratio service/direct: {Percentile(serviceTimes, 0.5) / Percentile(directTimes, 0.5):F2}");
        TestContext.WriteLine(report);
        Console.WriteLine(report);
    }

    /// <summary>What AuthzService sends, written by hand from the principal it reported (include_meta).</summary>
    private static CerbosApi.Request.CheckResourcesRequest DirectRequest(PrincipalView principal, ResourceEntry entry)
    {
        var cerbosPrincipal = new CerbosApi.Engine.Principal { Id = principal.Id, Scope = principal.Scope, Roles = { principal.Roles } };
        foreach (var (key, value) in principal.Attr)
        {
            cerbosPrincipal.Attr[key] = value.Clone();
        }

        var resource = new CerbosApi.Engine.Resource { Kind = entry.Resource.Kind, Id = entry.Resource.Id, Scope = principal.Scope };
        foreach (var (key, value) in entry.Resource.Attr)
        {
            resource.Attr[key] = value.Clone();
        }

        return new CerbosApi.Request.CheckResourcesRequest
        {
            RequestId = "direct",
            Principal = cerbosPrincipal,
            Resources = { new CerbosApi.Request.CheckResourcesRequest.Types.ResourceEntry { Resource = resource, Actions = { entry.Actions } } },
        };
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
