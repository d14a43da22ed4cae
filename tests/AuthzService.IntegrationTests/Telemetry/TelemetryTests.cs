using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.IntegrationTests.Telemetry;

/// <summary>Spans follow the caller's traceparent down to Cerbos; request and decision metrics are recorded.</summary>
[TestClass]
public sealed class TelemetryTests
{
    public TestContext TestContext { get; set; } = null!;

    private static CheckResourcesRequest Request()
    {
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice", RequestId = "telemetry" };
        var resource = new Resource { Kind = "document", Id = "d1" };
        resource.Attr["tenant_id"] = Value.ForString("acme");
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read", "delete" } });
        return request;
    }

    [TestMethod]
    public async Task CheckResources_WithTraceparentAndListeners_SpansJoinTheCallersTraceAndMetricsRecorded()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("telemetry", TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), cancellationToken: TestContext.CancellationToken);
        await service.CallAsync("authz.v1.MembershipService", "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
        await service.CallAsync("authz.v1.MembershipService", "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AuthzService",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId == traceId) { spans.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(activities);
        var factory = service.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, Dictionary<string, string?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AuthzService" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) =>
            measurements.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString())));
        meters.SetMeasurementEventCallback<long>(Record);
        meters.SetMeasurementEventCallback<double>(Record);
        meters.Start();

        var headers = new Metadata { { "traceparent", $"00-{traceId}-{parentSpan}-01" } };
        await service.Channel.CallUnaryAsync(
            "/authz.v1.AuthorizationService/CheckResources", Request(), CheckResourcesResponse.Parser,
            new CallOptions(headers: headers).WithTimeout(TimeSpan.FromSeconds(10)));

        // The server span stops after the response is written, which can be after the client has it.
        await Eventually.TrueAsync(
            () => Task.FromResult(spans.Any(s => s.DisplayName == "authz.v1.AuthorizationService/CheckResources")),
            "the server span is recorded", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        var server = spans.Single(s => s.DisplayName == "authz.v1.AuthorizationService/CheckResources");
        Assert.AreEqual(ActivityKind.Server, server.Kind);
        Assert.IsTrue(server.ParentSpanId == parentSpan || spans.Any(s => s.SpanId == server.ParentSpanId) || server.Parent?.ParentSpanId == parentSpan);
        foreach (var name in new[] { "authz.principal", "authz.decision_cache", "cerbos CheckResources" })
        {
            Assert.IsTrue(spans.Any(s => s.DisplayName == name), $"span {name} in the caller's trace; got {string.Join(", ", spans.Select(s => s.DisplayName))}");
        }

        Assert.IsTrue(measurements.Any(m => m.Instrument == "authz.rpc.server.requests"
            && m.Tags["rpc.method"] == "authz.v1.AuthorizationService/CheckResources" && m.Tags["rpc.grpc.status_code"] == "OK"));
        Assert.IsTrue(measurements.Any(m => m.Instrument == "authz.rpc.server.duration"));
        Assert.IsTrue(measurements.Any(m => m.Instrument == "authz.decisions" && m.Tags["effect"] == "ALLOW" && m.Tags["source"] == "Cerbos"));
        Assert.IsTrue(measurements.Any(m => m.Instrument == "authz.decisions" && m.Tags["effect"] == "DENY"));
        Assert.IsTrue(measurements.Any(m => m.Instrument == "authz.cerbos.duration" && m.Tags["outcome"] == "ok"));
    }

    [TestMethod]
    public async Task CerbosCall_InsideASpan_CarriesItsTraceparent()
    {
        var fake = new FakeCerbosCaller();
        var pdp = new CerbosDecisionPoint(fake, new CerbosOptions { Address = new Uri("https://127.0.0.1:1") }, NullLogger.Instance, TimeProvider.System);
        using var parent = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        await pdp.CheckAsync(new PdpCheckRequest("r1", new PdpPrincipal("alice", ["viewer"], new Dictionary<string, object?>(), string.Empty), [], false), default);

        var traceparent = fake.Options.Single().Headers?.GetValue("traceparent");
        Assert.IsNotNull(traceparent);
        StringAssert.Contains(traceparent, parent.TraceId.ToString());
    }
}
