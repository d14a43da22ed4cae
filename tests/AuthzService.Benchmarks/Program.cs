using System.Globalization;
using System.Net;
using AuthzService.Benchmarks;
using AuthzService.Contracts.V1;
using AuthzService.Infrastructure.Cerbos;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Helpers of scripts/bench.sh:
//   <ours-port> <bare-port> <framework-port>  three h2c listeners (health: Grpc.HealthCheck on Grpc.AspNetCore, as
//                                             the service serves it; the bare Kestrel yardstick; a bare
//                                             Grpc.AspNetCore CheckResources); "ready"; until stdin closes
//   body <file> <document-id> [fresh]         the framed CheckResources body for h2load (fresh: fully_consistent)
//   seed <service-url>                        the bench tenant and a viewer membership
//   load service <url> <concurrency> <n> <hit|fresh|unique>
//   load cerbos <url> <ca> <cert> <key> <concurrency> <n>
//   rounds service <url> <concurrency> <seconds> <rounds> <hit|fresh|unique>   timed rounds, one line each
//   rounds cerbos <url> <ca> <cert> <key> <concurrency> <seconds> <rounds>
//   l2 <redis> <get|store> <keys-per-call> <concurrency> <n>   the L2 decision cache alone (L2Bench)
switch (args)
{
    case ["body", var file, var id, .. var rest] when rest is [] or ["fresh"]:
        await File.WriteAllBytesAsync(file, BenchRequests.Framed(BenchRequests.Service(id, fullyConsistent: rest is ["fresh"])));
        return 0;
    case ["seed", var url]:
        {
            using var channel = GrpcChannel.ForAddress(new Uri(url));
            var membership = new MembershipService.MembershipServiceClient(channel);
            await membership.UpsertTenantAsync(
                new UpsertTenantRequest { Tenant = new Tenant { Id = BenchRequests.Tenant, Tier = "pro" } }, deadline: DateTime.UtcNow.AddSeconds(10));
            await membership.UpsertMembershipAsync(
                new UpsertMembershipRequest { Membership = new Membership { TenantId = BenchRequests.Tenant, PrincipalId = BenchRequests.Principal, Roles = { "viewer" } } },
                deadline: DateTime.UtcNow.AddSeconds(10));
            return 0;
        }

    case ["load", "service", var url, var c, var n, var mode]:
        {
            using var channel = GrpcChannel.ForAddress(new Uri(url));
            var authorization = new AuthorizationService.AuthorizationServiceClient(channel);
            var run = Guid.NewGuid().ToString("N")[..8];
            Console.WriteLine(await LoadLoop.RunAsync(
                i => authorization.CheckResourcesAsync(
                    BenchRequests.Service(mode == "unique" ? $"u-{run}-{i}" : "doc-1", mode == "fresh"),
                    deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync,
                Int(c), Int(n)));
            return 0;
        }

    case ["load", "cerbos", var url, var ca, var cert, var key, var c, var n]:
        {
            // The service's own Cerbos channel (Grpc.Net.Client, mTLS through AuthzService.Tls), so both sides of
            // the miss ratio pay the same client costs.
            using var factory = new CerbosChannelFactory(Microsoft.Extensions.Options.Options.Create(new CerbosOptions
            {
                Address = new Uri(url),
                Tls = new CerbosTlsOptions { CaCertificate = ca, ClientCertificate = cert, ClientKey = key },
            }));
            var cerbos = factory.CreateClient();
            var run = Guid.NewGuid().ToString("N")[..8];
            Console.WriteLine(await LoadLoop.RunAsync(
                i => cerbos.CheckResourcesAsync(BenchRequests.Cerbos($"u-{run}-{i}"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync,
                Int(c), Int(n)));
            return 0;
        }

    case ["rounds", "service", var url, var c, var seconds, var rounds, var mode]:
        {
            using var channel = GrpcChannel.ForAddress(new Uri(url));
            var authorization = new AuthorizationService.AuthorizationServiceClient(channel);
            var run = Guid.NewGuid().ToString("N")[..8];
            foreach (var line in await LoadLoop.RoundsAsync(
                i => authorization.CheckResourcesAsync(
                    BenchRequests.Service(mode == "unique" ? $"u-{run}-{i}" : "doc-1", mode == "fresh"),
                    deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync,
                Int(c), TimeSpan.FromSeconds(Int(seconds)), Int(rounds)))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

    case ["rounds", "cerbos", var url, var ca, var cert, var key, var c, var seconds, var rounds]:
        {
            using var factory = new CerbosChannelFactory(Microsoft.Extensions.Options.Options.Create(new CerbosOptions
            {
                Address = new Uri(url),
                Tls = new CerbosTlsOptions { CaCertificate = ca, ClientCertificate = cert, ClientKey = key },
            }));
            var cerbos = factory.CreateClient();
            var run = Guid.NewGuid().ToString("N")[..8];
            foreach (var line in await LoadLoop.RoundsAsync(
                i => cerbos.CheckResourcesAsync(BenchRequests.Cerbos($"u-{run}-{i}"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync,
                Int(c), TimeSpan.FromSeconds(Int(seconds)), Int(rounds)))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

    case ["l2", var redis, var l2Mode, var keys, var c, var n]:
        Console.WriteLine(await L2Bench.RunAsync(redis, l2Mode, Int(keys), Int(c), Int(n)));
        return 0;

    case [var oursPort, var barePort, var frameworkPort]:
        return await ServeAsync(Int(oursPort), Int(barePort), Int(frameworkPort));
    default:
        await Console.Error.WriteLineAsync("usage: see the comment at the top of tests/AuthzService.Benchmarks/Program.cs");
        return 2;
}

static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

static async Task<int> ServeAsync(int ours, int bare, int framework)
{
    // The framework yardstick is an application of its own: its routes must not meet the others'.
    var frameworkBuilder = WebApplication.CreateSlimBuilder();
    frameworkBuilder.Logging.ClearProviders();
    frameworkBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, framework, o => o.Protocols = HttpProtocols.Http2));
    frameworkBuilder.Services.AddGrpc();
    await using var frameworkApp = frameworkBuilder.Build();
    frameworkApp.MapGrpcService<FixedAuthorizationService>();
    await frameworkApp.StartAsync();

    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.Listen(IPAddress.Loopback, ours, o => o.Protocols = HttpProtocols.Http2);
        k.Listen(IPAddress.Loopback, bare, o => o.Protocols = HttpProtocols.Http2);
    });
    builder.Services.AddGrpc();
    var health = new HealthServiceImpl();
    health.SetStatus("", Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
    builder.Services.AddSingleton(health);
    var app = builder.Build();
    app.MapWhen(c => c.Connection.LocalPort == bare, b => b.Run(BareGrpcHandler.HandleAsync));
    app.MapGrpcService<HealthServiceImpl>();
    await app.StartAsync();
    Console.WriteLine("ready");
    await Console.In.ReadToEndAsync();
    await app.StopAsync();
    await frameworkApp.StopAsync();
    return 0;
}
