using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;

namespace AuthzService.IntegrationTests.RateLimiting;

/// <summary>The per-caller limit also covers admin calls; health checks are never limited.</summary>
[TestClass]
public sealed class CallerRateLimitTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Caller_PastItsLimit_ResourceExhaustedButHealthStillAnswers()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("ratelimit_caller", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            database, await CerbosServerFixture.GetSharedAsync(),
            new Dictionary<string, string?> { ["RateLimits:PerCaller:PermitsPerSecond"] = "3" },
            TestContext.CancellationToken);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            try
            {
                await service.CallAsync("authz.v1.MembershipService", "ListTenants", new ListTenantsRequest(), ListTenantsResponse.Parser);
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));
        var healthy = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => service.HealthAsync()));

        Assert.Contains(StatusCode.ResourceExhausted, outcomes);
        Assert.IsTrue(outcomes.All(s => s is StatusCode.OK or StatusCode.ResourceExhausted));
        Assert.HasCount(10, healthy);
    }
}
