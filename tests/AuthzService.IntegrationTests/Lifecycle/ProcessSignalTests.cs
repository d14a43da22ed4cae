using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>
/// The real binary, as the container runs it: JSON logs by default outside Development, and SIGTERM
/// ends it with exit code 0 after health has gone NOT_SERVING.
/// </summary>
[TestClass]
public sealed class ProcessSignalTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task SigTerm_RunningService_JsonLogsAuditEventAndExitCodeZero()
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("lifecycle_process", TestContext.CancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AuthzService.Api.dll"));
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{port}";
        env["Auth__AllowPlaintext"] = "true";
        env["ConnectionStrings__Postgres"] = database;
        env["Database__AutoMigrate"] = "true";
        env["Cerbos__Address"] = cerbos.GrpcAddress.ToString();
        env["Cerbos__Tls__CaCertificate"] = cerbos.CaCertPath;
        env["Cerbos__Tls__ClientCertificate"] = cerbos.ClientCertPath;
        env["Cerbos__Tls__ClientKey"] = cerbos.ClientKeyPath;
        env["Health__ProbeInterval"] = "00:00:00.200";
        env["Lifecycle__ShutdownGracePeriod"] = "00:00:05";
        var captured = new System.Collections.Concurrent.ConcurrentQueue<string>();
        string Output() => string.Join('\n', captured);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { captured.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { captured.Enqueue("stderr: " + e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            await ServingProbe.WaitForServingAsync(channel, TimeSpan.FromSeconds(60), Output, () => process.HasExited ? process.ExitCode : null);
            await channel.CallUnaryAsync(
                "/authz.v1.MembershipService/UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser,
                new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));
            await channel.CallUnaryAsync(
                "/authz.v1.MembershipService/UpsertMembership",
                new UpsertMembershipRequest { Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } } },
                UpsertMembershipResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));
            var check = new CheckResourcesRequest { RequestId = "req-42", TenantId = "acme", PrincipalId = "alice" };
            check.PrincipalContext["mfa"] = Google.Protobuf.WellKnownTypes.Value.ForBool(true);
            check.PrincipalContext["session_token"] = Google.Protobuf.WellKnownTypes.Value.ForString("never-logged");
            var resource = new Resource { Kind = "document", Id = "doc-1" };
            resource.Attr["tenant_id"] = Google.Protobuf.WellKnownTypes.Value.ForString("acme");
            resource.Attr["owner_id"] = Google.Protobuf.WellKnownTypes.Value.ForString("bob");
            check.Resources.Add(new ResourceEntry { Resource = resource, Actions = { "read", "delete" } });
            await channel.CallUnaryAsync(
                "/authz.v1.AuthorizationService/CheckResources", check, CheckResourcesResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(TestContext.CancellationToken);
            }

            await process.WaitForExitAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var lines = Output().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.AreEqual(0, process.ExitCode, Output());
        Assert.IsNotEmpty(json, Output());
        Assert.IsTrue(json.Any(j => j.GetProperty("Category").GetString() == "AuthzService.Audit"
            && j.GetProperty("State").TryGetProperty("Method", out var method) && method.GetString() == "/authz.v1.MembershipService/UpsertTenant"), Output());
        Assert.IsTrue(json.Any(j => j.GetProperty("Message").GetString()!.Contains("NOT_SERVING", StringComparison.Ordinal)), "health flipped on SIGTERM");
        Assert.IsTrue(json.Any(j => j.GetProperty("Category").GetString() == "AuthzService.Audit" && j.GetProperty("State").TryGetProperty("RequestId", out var id) && id.GetString() == "req-42"));
        Assert.DoesNotContain("never-logged", Output());
        TestContext.WriteLine(string.Join('\n', lines.Where(l => l.Contains("AuthzService.Audit", StringComparison.Ordinal))));
    }
}
