using AuthzService.Api.RateLimiting;
using AuthzService.Contracts.V1;
using AuthzService.Core.Memberships;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.RateLimiting;

/// <summary>
/// What a caller can make the limiter do with tenant ids of its choosing: the caller limit comes first,
/// only valid tenant ids become limiter keys, and tenant tiers never cost a directory read of their own.
/// </summary>
[TestClass]
public sealed class RateLimiterAbuseTests
{
    public TestContext TestContext { get; set; } = null!;

    private static async Task<StatusCode> CheckAsync(AuthzServiceInstance service, string tenant)
    {
        var request = new CheckResourcesRequest { TenantId = tenant, PrincipalId = "alice" };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Value.ForString(tenant);
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read" } });
        try
        {
            await service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser, TimeSpan.FromSeconds(30));
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Runs <paramref name="count"/> calls, <paramref name="parallel"/> at a time.</summary>
    private static async Task<List<StatusCode>> RunAsync(int count, int parallel, Func<int, Task<StatusCode>> call)
    {
        var outcomes = new List<StatusCode>(count);
        for (var start = 0; start < count; start += parallel)
        {
            outcomes.AddRange(await Task.WhenAll(Enumerable.Range(start, Math.Min(parallel, count - start)).Select(call)));
        }

        return outcomes;
    }

    [TestMethod]
    public async Task DistinctTenantIds_CallerLimitedToOnePerSecond_DirectoryReadOnlyForAdmittedCalls()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("ratelimit_spray", TestContext.CancellationToken);
        var directory = new CallCounter();
        await using var service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Overrides = new Dictionary<string, string?>
                {
                    ["RateLimits:PerCaller:PermitsPerSecond"] = "1",
                    ["RateLimits:PerTenant:PermitsPerSecond"] = "100",
                },
                ConfigureServices = services => directory.Decorate<IDirectoryReader>(services).Decorate<IDirectoryWriter>(services),
            },
            TestContext.CancellationToken);
        var before = directory.Total;

        var outcomes = await RunAsync(1000, 25, i => CheckAsync(service, $"sprayed-{i}"));

        var admitted = outcomes.Count(s => s == StatusCode.OK);
        var reads = directory.Total - before;
        Assert.IsTrue(outcomes.All(s => s is StatusCode.OK or StatusCode.ResourceExhausted), string.Join(", ", outcomes.Distinct()));
        Assert.AreEqual(1000 - admitted, outcomes.Count(s => s == StatusCode.ResourceExhausted));
        // Each admitted call reads its (unknown) tenant's principal once; refused calls read nothing.
        Assert.IsLessThanOrEqualTo(admitted, reads, $"{admitted} calls admitted, directory calls: {directory}");
    }

    [TestMethod]
    public async Task HugeTenantIds_RefusedAsInvalid_NothingRetainedByTheLimiter()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("ratelimit_huge", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            database,
            await CerbosServerFixture.GetSharedAsync(),
            new Dictionary<string, string?> { ["RateLimits:PerTenant:PermitsPerSecond"] = "1000" },
            TestContext.CancellationToken);
        var padding = new string('t', 1024 * 1024);

        var outcomes = await RunAsync(200, 4, i => CheckAsync(service, $"{i}-{padding}"));

        Assert.IsTrue(outcomes.All(s => s == StatusCode.InvalidArgument), string.Join(", ", outcomes.Distinct()));
        Assert.AreEqual(0, service.GetRequiredService<TenantTierCache>().Count, "tier entries retained");
        Assert.AreEqual(0, service.GetRequiredService<CallRateLimiter>().TrackedTenants, "tenant buckets retained");
    }
}
