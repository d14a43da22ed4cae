using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Telemetry;

/// <summary>
/// Request metrics are tagged with the method, which comes from the request path before authentication:
/// only methods the server serves become tag values, everything else is <c>unknown</c> (bounded cardinality).
/// </summary>
[TestClass]
public sealed class MethodTagTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Requests_UnknownPaths_TaggedUnknownAndKnownMethodsByName()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("method_tags", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: TestContext.CancellationToken);
        var factory = service.GetRequiredService<IMeterFactory>();
        var tags = new ConcurrentQueue<string?>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "authz.rpc.server.requests" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, t, _) =>
        {
            foreach (var tag in t)
            {
                if (tag.Key == "rpc.method")
                {
                    tags.Enqueue(tag.Value?.ToString());
                }
            }
        });
        meters.Start();
        var invented = new[]
        {
            "/authz.v1.Invented" + Guid.NewGuid().ToString("N") + "/Method",
            "/authz.v1.AuthorizationService/Invented" + Guid.NewGuid().ToString("N")[..8],
            "/grpc.health.v1.Health/Invented",
            "/evil.Service/Method",
        };

        foreach (var path in invented)
        {
            var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => service.Channel.CallUnaryAsync(
                path, new GetTenantRequest { TenantId = "acme" }, GetTenantResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10))));
            Assert.AreEqual(StatusCode.Unimplemented, ex.StatusCode, path);
        }

        await Assert.ThrowsExactlyAsync<RpcException>(() => service.GetTenantAsync(new GetTenantRequest { TenantId = "nope" }));
        await service.HealthAsync();

        var seen = tags.ToArray();
        Assert.AreEqual(invented.Length, seen.Count(t => t == "unknown"), string.Join(", ", seen));
        CollectionAssert.Contains(seen, "authz.v1.MembershipService/GetTenant");
        CollectionAssert.Contains(seen, "grpc.health.v1.Health/Check");
        Assert.IsFalse(seen.Any(t => t is not null && t.Contains("Invented", StringComparison.Ordinal)), string.Join(", ", seen));
        Assert.IsFalse(seen.Any(t => t is not null && t.Contains("evil", StringComparison.Ordinal)), string.Join(", ", seen));
    }
}
