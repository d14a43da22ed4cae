using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthzService.IntegrationTests.Telemetry;

/// <summary>
/// Export over OTLP (http/protobuf) to a collector of the test's own: our spans and instruments, and those of the
/// libraries (ASP.NET Core, Npgsql, the .NET runtime). OTLP carries names as plain UTF-8 strings, so the test looks
/// for them in the bodies the collector received.
/// </summary>
/// <remarks>
/// Not run in parallel with other tests: OpenTelemetry's listeners are process-wide, so while this service runs
/// they sample and export the spans and meters of every other service the test process hosts, and those tests'
/// own listeners share the same ActivitySources.
/// </remarks>
[TestClass]
[DoNotParallelize]
public sealed class OtlpExportTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task OtlpEndpoint_Set_ExportsOurSpansAndMetricsWithAspNetCoreNpgsqlAndRuntimeInstrumentation()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        using (var probe = new HttpClient())
        {
            (await probe.PostAsync(new Uri(collector.Address, "v1/probe"), new ByteArrayContent([1]), TestContext.CancellationToken)).EnsureSuccessStatusCode();
        }

        Assert.Contains("/v1/probe 1 B", collector.Summary, "the collector itself receives");
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("otlp_export", TestContext.CancellationToken);
        var service = await AuthzServiceInstance.StartAsync(database, await CerbosServerFixture.GetSharedAsync(), new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Address.ToString(),
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
            ["Telemetry:MetricExportInterval"] = "00:00:01",
        }, TestContext.CancellationToken);
        // The calls come from a caller that samples its trace, as a traced caller process would: in this process a
        // root client span of the test's own would be a background call to the service's sampler (not traced) and
        // would tell the service, through traceparent, not to sample either.
        using var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        caller.Start();
        try
        {
            await service.CallAsync("authz.v1.MembershipService", "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
            await service.CallAsync("authz.v1.MembershipService", "UpsertMembership", new UpsertMembershipRequest
            {
                Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
            }, UpsertMembershipResponse.Parser);
            var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice", RequestId = "otlp" };
            var resource = new Resource { Kind = "document", Id = "d1" };
            resource.Attr["tenant_id"] = Value.ForString("acme");
            resource.Attr["owner_id"] = Value.ForString("someone-else");
            request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read" } });
            await service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser);
            Assert.IsTrue(service.Logs.Lines.Any(l => l.EventId == 7000), "the export is logged at start:\n" + service.Logs.Text);
        }
        finally
        {
            caller.Stop();
            // Stopping flushes the spans still batched.
            await service.DisposeAsync();
        }

        TestContext.WriteLine("received: " + collector.Summary);
        var traces = collector.Text("/v1/traces");
        foreach (var expected in new[] { "authz-service", "AuthzService", "authz.principal", "authz.decision_cache", "cerbos CheckResources", "Microsoft.AspNetCore", "Npgsql" })
        {
            StringAssert.Contains(traces, expected, $"traces should carry {expected}; received: {collector.Summary}; strings: {string.Join(" | ", System.Text.RegularExpressions.Regex.Matches(traces, "[ -~]{6,}").Select(m => m.Value))}");
        }

        // OTLP carries trace ids as 16 raw bytes: the service's spans continue the caller's trace.
        Span<byte> traceId = stackalloc byte[16];
        caller.TraceId.CopyTo(traceId);
        StringAssert.Contains(traces, Encoding.Latin1.GetString(traceId), "the service's spans belong to the caller's trace");

        var metrics = collector.Text("/v1/metrics");
        foreach (var expected in new[] { "authz.decisions", "authz.cache.misses", "http.server.request.duration", "Npgsql", "dotnet.gc" })
        {
            StringAssert.Contains(metrics, expected, $"metrics should carry {expected}");
        }
    }

    /// <summary>An OTLP/HTTP receiver on loopback that keeps every body it is sent, by path.</summary>
    private sealed class FakeOtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        private FakeOtlpCollector(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<FakeOtlpCollector> StartAsync()
        {
            var port = FreePort.Next();
            // Content root away from the test output, whose appsettings.json (the service's) names Kestrel endpoints.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new FakeOtlpCollector(app, new Uri($"http://127.0.0.1:{port}/"));
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((context.Request.Path.Value!, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return collector;
        }

        /// <summary>Every body received on <paramref name="path"/>, as one Latin-1 string (names inside protobuf are raw UTF-8).</summary>
        public string Text(string path) =>
            string.Concat(_received.Where(r => r.Path == path).Select(r => Encoding.Latin1.GetString(r.Body)));

        public string Summary => string.Join(", ", _received.Select(r => $"{r.Path} {r.Body.Length} B"));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
