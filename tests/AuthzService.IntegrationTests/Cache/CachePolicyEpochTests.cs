using AuthzService.Contracts.V1;
using static AuthzService.IntegrationTests.Cache.CacheCluster;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>A policy epoch bump makes every cached decision on every replica be recomputed (own cluster: it touches everything).</summary>
[TestClass]
public sealed class CachePolicyEpochTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task InvalidatePolicies_EveryCachedDecisionRecomputedOnBothReplicas()
    {
        await using var cluster = await CacheCluster.StartAsync("cache_epoch", TestContext.CancellationToken);
        var tenants = new[] { "epoch-a", "epoch-b" };
        foreach (var tenant in tenants)
        {
            await cluster.UpsertTenantAsync(tenant);
            await cluster.GrantAsync(tenant, "alice", "viewer");
        }

        var documents = new[] { "d1", "d2", "d3" };
        foreach (var replica in new[] { cluster.A, cluster.B })
        {
            foreach (var tenant in tenants)
            {
                await CheckAsync(replica, CheckRequest(tenant, "alice", "read", documents));
                var cached = await CheckAsync(replica, CheckRequest(tenant, "alice", "read", documents));
                Assert.IsTrue(cached.Results.All(r => r.Meta.Source == DecisionSource.CacheL1), cached.ToString());
            }
        }

        var bumped = await Call(cluster.A, CacheServiceName, "Invalidate", new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() }, InvalidateResponse.Parser);

        // The replica that took the RPC evicts at once; the other within the notification bound, or at once with the token.
        foreach (var tenant in tenants)
        {
            var onA = await CheckAsync(cluster.A, CheckRequest(tenant, "alice", "read", documents));
            Assert.IsTrue(onA.Results.All(r => r.Meta.Source == DecisionSource.Cerbos && r.Actions["read"] == Effect.Allow), onA.ToString());
        }

        var withToken = CheckRequest(tenants[0], "alice", "read", documents);
        withToken.Consistency = new Consistency { AtLeastAsFresh = bumped.ConsistencyToken };
        var onB = await CheckAsync(cluster.B, withToken);
        Assert.IsTrue(onB.Results.All(r => r.Meta.Source is DecisionSource.Cerbos or DecisionSource.CacheL2), onB.ToString());

        var elapsed = await EventuallyAsync(async () =>
        {
            var response = await CheckAsync(cluster.B, CheckRequest(tenants[1], "alice", "read", documents));
            return response.Results.All(r => r.Meta.Source is DecisionSource.Cerbos or DecisionSource.CacheL2);
        }, "replica B recomputes after the epoch bump");
        TestContext.WriteLine($"policy epoch bump seen by the other replica after {elapsed.TotalMilliseconds:F1} ms");
    }
}
