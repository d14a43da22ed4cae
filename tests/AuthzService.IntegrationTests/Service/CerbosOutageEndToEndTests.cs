using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>Cerbos gone: UNAVAILABLE, never an allow; health says so; decisions resume when it is back.</summary>
[TestClass]
public sealed class CerbosOutageEndToEndTests
{
    [TestMethod]
    public async Task CheckAndPlan_CerbosStopped_UnavailableNeverAllowThenRecovers()
    {
        // A Cerbos of its own: the shared one must keep serving the other classes.
        await using var cerbos = await CerbosServer.StartNewAsync();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_outage");
        await using var service = await AuthzServiceInstance.StartAsync(database, cerbos, new Dictionary<string, string?>
        {
            ["Cerbos:DefaultTimeout"] = "00:00:01",
            ["Cerbos:BreakerBreakDuration"] = "00:00:01",
        });
        await service.UpsertTenantAsync("acme", scope: "acme");
        await service.GrantAsync("acme", "alice", "", "org_admin");
        // Fresh checks must reach Cerbos: a still-valid cached decision may (rightly) be served while Cerbos is down.
        var check = Check("acme", "alice", "document", "read", "delete");
        check.Consistency = new Consistency { FullyConsistent = true };
        var plan = Plan("acme", "alice", "document", "read");
        Assert.AreEqual(Effect.Allow, (await service.CheckAsync(check)).Results[0].Actions["read"]);

        await cerbos.StopAsync();
        var checkErrors = new List<StatusCode>();
        for (var i = 0; i < 12; i++)
        {
            // Enough calls to open the circuit: closed or open, the answer is UNAVAILABLE.
            checkErrors.Add((await Assert.ThrowsExactlyAsync<RpcException>(() => service.CheckAsync(check))).StatusCode);
        }

        var planError = await Assert.ThrowsExactlyAsync<RpcException>(() => service.PlanAsync(plan));
        // Losing Cerbos costs freshness-on-demand, not correctness: the decision stored before the
        // outage (same versions, same policies) is still valid and is served from this replica's cache.
        var cachedCheck = check.Clone();
        cachedCheck.Consistency = null;
        cachedCheck.IncludeMeta = true;
        var cached = await service.CheckAsync(cachedCheck);
        await service.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(30));
        var local = await service.CheckAsync(Check("nowhere", "alice", "document", "read"));

        CollectionAssert.AreEqual(Enumerable.Repeat(StatusCode.Unavailable, 12).ToArray(), checkErrors.ToArray());
        Assert.AreEqual(StatusCode.Unavailable, planError.StatusCode);
        Assert.AreEqual(Effect.Allow, cached.Results[0].Actions["read"]);
        Assert.AreEqual(DecisionSource.CacheL1, cached.Results[0].Meta.Source);
        Assert.AreEqual(DenyReason.TenantUnknown, local.Results[0].DenyReason, "local denials need no Cerbos");

        await cerbos.StartAsync();
        await service.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(30));
        var recovered = await EventuallyAllowedAsync(service, check, TimeSpan.FromSeconds(30));
        Assert.AreEqual(Effect.Allow, recovered.Results[0].Actions["read"]);
    }

    [TestMethod]
    public async Task CheckResources_FiftyMissesWithOneToFiveMsDeadlines_NeverAllowAndLeaveTheCircuitClosedForOthers()
    {
        // Issue 11.3: one caller's tiny deadlines must not open the circuit for every tenant.
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_tiny_deadlines");
        await using var service = await AuthzServiceInstance.StartAsync(database, cerbos);
        await service.UpsertTenantAsync("acme", scope: "acme");
        await service.GrantAsync("acme", "alice", "", "org_admin");
        await service.UpsertTenantAsync("globex");
        await service.GrantAsync("globex", "bob", "", "org_admin");
        Assert.AreEqual(Effect.Allow, (await service.CheckAsync(Check("acme", "alice", "document", "read"))).Results[0].Actions["read"]);

        var statuses = new List<StatusCode>();
        for (var i = 0; i < 50; i++)
        {
            // Misses: every call names resources nobody asked about before.
            var burst = Check("acme", "alice", [.. Enumerable.Range(0, 20).Select(_ => Entry(Resource("document", Unique("doc"), "acme"), "read", "delete"))]);
            try
            {
                var answer = await service.CallAsync(
                    AuthorizationServiceName, "CheckResources", burst, CheckResourcesResponse.Parser, TimeSpan.FromMilliseconds(1 + (i % 5)));
                Assert.HasCount(20, answer.Results, "an answer in time is a whole answer");
            }
            catch (RpcException ex)
            {
                statuses.Add(ex.StatusCode);
            }
        }

        var circuit = service.GetRequiredService<AuthzService.Infrastructure.Cerbos.CerbosDecisionPoint>().CircuitState;
        var other = await service.CheckAsync(Check("globex", "bob", Entry(Resource("document", Unique("doc"), "globex"), "read")));

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, circuit, "statuses: " + string.Join(", ", statuses));
        Assert.AreEqual(Effect.Allow, other.Results[0].Actions["read"], "another tenant's miss is answered");
        Assert.IsNotEmpty(statuses, "the deadlines were meant to expire; the test proves nothing otherwise");
        CollectionAssert.IsSubsetOf(
            statuses.Distinct().ToArray(), new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled }, string.Join(", ", statuses));
    }

    [TestMethod]
    public async Task CheckResources_CerbosAddressWithNothingListening_UnavailableNeverAllow()
    {
        await using var cerbos = await CerbosServer.StartNewAsync();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("e2e_nocerbos");
        await using var service = await AuthzServiceInstance.StartAsync(database, cerbos, new Dictionary<string, string?>
        {
            ["Cerbos:DefaultTimeout"] = "00:00:01",
        });
        await service.UpsertTenantAsync("acme");
        await service.GrantAsync("acme", "alice", "", "org_admin");
        await cerbos.DisposeAsync();

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => service.CheckAsync(Check("acme", "alice", "project", "read")));

        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.DoesNotContain("allow", ex.Status.Detail.ToLowerInvariant());
    }
}
