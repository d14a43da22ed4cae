using AuthzService.Contracts.V1;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// PostgreSQL gone: a check that must read the directory and a membership write are UNAVAILABLE, never an
/// allow, with the directory's message (no driver text) and the audit reason directory_unavailable; health
/// says so; both work again when it is back. Infrastructure turns the driver's failures into the directory's
/// own Unavailable, so the API maps one exception type, not Npgsql's.
/// </summary>
[TestClass]
public sealed class PostgresOutageEndToEndTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task CheckAndWrite_PostgresStopped_UnavailableNeverAllowThenRecovers()
    {
        // A PostgreSQL of its own: the shared one must keep serving the other classes.
        using var postgres = await PostgresServer.StartNewAsync(TestContext.CancellationToken);
        var database = await postgres.CreateDatabaseAsync("e2e_pg_outage", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            database, await Cerbos.CerbosServerFixture.GetSharedAsync(), new Dictionary<string, string?> { ["Audit:AllowSampleRate"] = "1" },
            TestContext.CancellationToken);
        await service.UpsertTenantAsync("acme", scope: "acme");
        await service.GrantAsync("acme", "alice", "", "org_admin");
        var check = Check("acme", "alice", "document", "read");
        check.Consistency = new Consistency { FullyConsistent = true };
        Assert.AreEqual(Effect.Allow, (await service.CheckAsync(check)).Results[0].Actions["read"]);

        await postgres.StopAsync(TestContext.CancellationToken);
        var down = check.Clone();
        down.RequestId = "pg-down";
        var checkError = await Assert.ThrowsExactlyAsync<RpcException>(() => service.CheckAsync(down));
        var writeError = await Assert.ThrowsExactlyAsync<RpcException>(() => service.GrantAsync("acme", "bob", "", "viewer"));
        var audit = await service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["RequestId"] == "pg-down");
        await service.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(30), TestContext.CancellationToken);

        Assert.AreEqual(StatusCode.Unavailable, checkError.StatusCode);
        Assert.AreEqual("Membership store unavailable.", checkError.Status.Detail);
        Assert.AreEqual(StatusCode.Unavailable, writeError.StatusCode);
        Assert.AreEqual("Membership store unavailable.", writeError.Status.Detail);
        Assert.AreEqual("DENY", audit["Effect"]);
        Assert.AreEqual("directory_unavailable", audit["Reason"]);

        await postgres.StartAsync(TestContext.CancellationToken);
        await service.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(30), TestContext.CancellationToken);
        var recovered = await EventuallyAllowedAsync(service, check, TimeSpan.FromSeconds(30));
        Assert.AreEqual(Effect.Allow, recovered.Results[0].Actions["read"]);
    }
}
