using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.RateLimiting;

/// <summary>Per-tenant limits with a tier override, through the real API.</summary>
[TestClass]
public sealed class TenantRateLimitTests
{
    private const int TenantLimit = 5;
    private static AuthzServiceInstance s_service = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("ratelimit", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            database,
            await CerbosServerFixture.GetSharedAsync(),
            new Dictionary<string, string?>
            {
                ["RateLimits:PerTenant:PermitsPerSecond"] = TenantLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RateLimits:Tiers:enterprise:PermitsPerSecond"] = "100000",
            },
            context.CancellationToken);
        foreach (var (tenant, tier) in new[] { ("noisy", "free"), ("quiet", "free"), ("big", "enterprise") })
        {
            await s_service.CallAsync("authz.v1.MembershipService", "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = tenant, Tier = tier } }, UpsertTenantResponse.Parser);
            await s_service.CallAsync("authz.v1.MembershipService", "UpsertMembership", new UpsertMembershipRequest
            {
                Membership = new Contracts.V1.Membership { TenantId = tenant, PrincipalId = "alice", Roles = { "viewer" } },
            }, UpsertMembershipResponse.Parser);
        }
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    private static Task<CheckResourcesResponse> CheckAsync(string tenant)
    {
        var request = new CheckResourcesRequest { TenantId = tenant, PrincipalId = "alice" };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Value.ForString(tenant);
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read" } });
        return s_service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser);
    }

    private static async Task<(int Ok, List<RpcException> Refused)> BurstAsync(string tenant, int calls)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            try
            {
                await CheckAsync(tenant);
                return null;
            }
            catch (RpcException ex)
            {
                return ex;
            }
        }));
        return (outcomes.Count(o => o is null), [.. outcomes.OfType<RpcException>()]);
    }

    [TestMethod]
    public async Task NoisyTenant_PastItsLimit_ResourceExhaustedWithRetryHintWhileQuietTenantSucceeds()
    {
        var noisy = BurstAsync("noisy", 80);
        var quiet = new List<CheckResourcesResponse>();
        for (var i = 0; i < TenantLimit - 1; i++)
        {
            quiet.Add(await CheckAsync("quiet"));
        }

        var (ok, refused) = await noisy;

        Assert.HasCount(TenantLimit - 1, quiet, "every call of the quiet tenant succeeded");
        Assert.IsNotEmpty(refused, $"the noisy tenant was limited ({ok} succeeded)");
        Assert.IsTrue(refused.All(r => r.StatusCode == StatusCode.ResourceExhausted), string.Join(", ", refused.Select(r => r.Status)));
        var hint = refused[0].Trailers.GetValue("retry-after-ms");
        Assert.IsNotNull(hint);
        Assert.IsGreaterThan(0, int.Parse(hint, System.Globalization.CultureInfo.InvariantCulture));
        StringAssert.Contains(refused[0].Status.Detail, "tenant 'noisy'");
    }

    [TestMethod]
    public async Task TenantOfAHigherTier_SameBurst_AllSucceed()
    {
        // A replica learns a tenant's tier from the first principal it builds for it (the limiter never reads the
        // directory); until then the default limit applies.
        await CheckAsync("big");

        var (ok, refused) = await BurstAsync("big", 40);

        Assert.IsEmpty(refused, string.Join(", ", refused.Select(r => r.Status)));
        Assert.AreEqual(40, ok);
    }
}
