using AuthzService.Client;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;

namespace AuthzService.IntegrationTests.Client;

/// <summary>The client library against the real service (real PostgreSQL and Cerbos), and against failures.</summary>
[TestClass]
public sealed class AuthzClientEndToEndTests
{
    private static AuthzServiceInstance s_service = null!;
    private static AuthzClient s_client = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_service = await DemoDirectory.StartSeededServiceAsync("client_e2e", context.CancellationToken);
        s_client = new AuthzClient(new AuthzClientOptions { Address = s_service.Address.ToString(), DefaultTimeout = TimeSpan.FromSeconds(10) });
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_service.DisposeAsync();
    }

    private static AuthzResource Document(string tenant, string owner) => new("document", "doc-1")
    {
        Attributes = new Dictionary<string, object?> { ["tenant_id"] = tenant, ["owner_id"] = owner },
    };

    [TestMethod]
    public async Task IsAllowedAsync_AdminReadsDocument_True()
    {
        Assert.IsTrue(await s_client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "delete", TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task IsAllowedAsync_ViewerDeletes_False()
    {
        Assert.IsFalse(await s_client.IsAllowedAsync("acme", "carol", Document("acme", "bob"), "delete", TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task Check_MultiResourceBuilder_DecidesEachInOrder()
    {
        var result = await s_client.Check("acme", "bob").InTeam("red").IncludeMeta()
            .Resource("document", "doc-1", r => r.Attr("tenant_id", "acme").Attr("owner_id", "bob")).Actions("read", "delete")
            .Resource("document", "doc-2", r => r.Attr("tenant_id", "globex").Attr("owner_id", "bob")).Actions("read")
            .ExecuteAsync(TestContext.CancellationToken);

        Assert.HasCount(2, result.Results);
        Assert.AreEqual("doc-1", result.Results[0].Id);
        Assert.IsTrue(result.IsAllowed("document", "doc-1", "read"));
        Assert.IsTrue(result.IsAllowed("document", "doc-1", "delete"), "acme's scoped policy lets owners delete");
        Assert.IsFalse(result.IsAllowed("document", "doc-2", "read"));
        Assert.AreEqual(DenyReason.CrossTenant, result.Results[1].DenyReason);
        Assert.IsNotNull(result.Meta);
        CollectionAssert.Contains(result.Meta.Principal.Roles.ToArray(), "team_lead");
    }

    [TestMethod]
    public async Task CheckResourcesAsync_InvalidRequest_ValidationExceptionNamingFields()
    {
        var request = new CheckResourcesRequest { PrincipalId = "alice" };
        request.Resources.Add(new ResourceEntry { Resource = new Resource { Kind = "document", Id = "d" } });

        var ex = await Assert.ThrowsExactlyAsync<AuthzValidationException>(() => s_client.CheckResourcesAsync(request, TestContext.CancellationToken));

        var fields = ex.FieldErrors.Select(e => e.Field).ToArray();
        CollectionAssert.Contains(fields, "tenant_id");
        CollectionAssert.Contains(fields, "resources[0].actions");
    }

    [TestMethod]
    public async Task IsAllowedAsync_InvalidRequest_FalseNotThrown()
    {
        Assert.IsFalse(await s_client.IsAllowedAsync("", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task Directory_TenantAndMembershipLifecycle_RoundTrips()
    {
        var ct = TestContext.CancellationToken;
        var created = await s_client.UpsertTenantAsync(new Tenant { Id = "client-life", Tier = "pro", CerbosScope = "" }, ct);
        await s_client.UpsertMembershipAsync(new Membership { TenantId = "client-life", PrincipalId = "zoe", Roles = { "member" } }, ct);

        var tenant = await s_client.GetTenantAsync("client-life", ct);
        var tenants = new List<string>();
        await foreach (var t in s_client.ListAllTenantsAsync(pageSize: 1, cancellationToken: ct))
        {
            tenants.Add(t.Id);
        }

        var members = await s_client.ListMembershipsAsync(new ListMembershipsRequest { TenantId = "client-life" }, ct);
        var allowed = await s_client.IsAllowedAsync("client-life", "zoe", Document("client-life", "x"), "read", ct);
        var deletedMembership = await s_client.DeleteMembershipAsync("client-life", "zoe", cancellationToken: ct);
        var deleted = await s_client.DeleteTenantAsync("client-life", ct);

        Assert.IsTrue(created.Created);
        Assert.AreEqual("pro", tenant?.Tier);
        CollectionAssert.IsSubsetOf(new[] { "acme", "client-life", "globex", "initech" }, tenants);
        Assert.AreEqual("zoe", members.Memberships.Single().PrincipalId);
        Assert.IsTrue(allowed);
        Assert.IsTrue(deletedMembership.Deleted);
        Assert.IsTrue(deleted.Deleted);
        Assert.IsNull(await s_client.GetTenantAsync("client-life", ct));
    }

    [TestMethod]
    public async Task InvalidateAndHealth_RealService_Succeed()
    {
        var ct = TestContext.CancellationToken;

        var principal = await s_client.InvalidatePrincipalAsync("acme", "bob", ct);
        var tenant = await s_client.InvalidateTenantAsync("acme", ct);
        var policies = await s_client.InvalidatePoliciesAsync(ct);
        var health = await s_client.CheckHealthAsync(cancellationToken: ct);

        Assert.IsGreaterThanOrEqualTo(1L, principal.GenerationsBumped);
        Assert.IsGreaterThanOrEqualTo(1L, tenant.GenerationsBumped);
        Assert.IsGreaterThanOrEqualTo(1L, policies.GenerationsBumped);
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health);
    }

    [TestMethod]
    public async Task Call_CancelledByCaller_OperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => s_client.CheckHealthAsync(cancellationToken: cts.Token));
    }

    [TestMethod]
    public async Task ServiceDown_RawCallUnavailable_IsAllowedFalseAndLogged()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var client = new AuthzClient(
            new AuthzClientOptions { Address = $"http://127.0.0.1:{FreePort.Next()}", RetryAttempts = 2 }, loggerFactory);

        var ex = await Assert.ThrowsExactlyAsync<AuthzUnavailableException>(
            () => client.Check("acme", "alice").Resource(Document("acme", "bob")).Actions("read").ExecuteAsync(TestContext.CancellationToken));
        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken);

        Assert.AreEqual(global::Grpc.Core.StatusCode.Unavailable, ex.StatusCode);
        Assert.IsFalse(allowed);
        Assert.IsTrue(logs.Lines.Any(l => l.Level == LogLevel.Warning && l.Message.Contains("Failing closed", StringComparison.Ordinal)
            && l.Message.Contains("Unavailable", StringComparison.Ordinal)), logs.Text);
    }

    [TestMethod]
    public async Task ServerNeverAnswers_DeadlineExceeded_IsAllowedFalse()
    {
        await using var server = await HangingGrpcServer.StartAsync();
        using var client = new AuthzClient(new AuthzClientOptions { Address = server.Address.ToString(), DefaultTimeout = TimeSpan.FromMilliseconds(300) });

        var ex = await Assert.ThrowsExactlyAsync<AuthzDeadlineExceededException>(
            () => client.CheckResourcesAsync(new CheckRequestBuilder("acme", "alice").Resource(Document("acme", "bob")).Actions("read").Build(), TestContext.CancellationToken));
        var allowed = await client.IsAllowedAsync("acme", "alice", Document("acme", "bob"), "read", TestContext.CancellationToken);

        Assert.AreEqual(global::Grpc.Core.StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.IsFalse(allowed);
    }

    [TestMethod]
    public async Task WithTimeout_SharesConnections_OwnDeadline()
    {
        using var shortClient = s_client.WithTimeout(TimeSpan.FromSeconds(3));

        var status = await shortClient.CheckHealthAsync(cancellationToken: TestContext.CancellationToken);

        Assert.AreEqual(TimeSpan.FromSeconds(3), shortClient.DefaultTimeout);
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, await s_client.CheckHealthAsync(cancellationToken: TestContext.CancellationToken));
    }
}
