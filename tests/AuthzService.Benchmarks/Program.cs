using System.Globalization;
using System.Net;
using AuthzService.Benchmarks;
using AuthzService.Grpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Two h2c listeners in one process, on ports the caller picks: our gRPC layer (health Check)
// and the bare yardstick. Usage: AuthzService.Benchmarks <ours-port> <bare-port>.
// Prints "ready" and serves until stdin closes.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: AuthzService.Benchmarks <ours-port> <bare-port>");
    return 2;
}

var ours = int.Parse(args[0], CultureInfo.InvariantCulture);
var bare = int.Parse(args[1], CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(IPAddress.Loopback, ours, o => o.Protocols = HttpProtocols.Http2);
    k.Listen(IPAddress.Loopback, bare, o => o.Protocols = HttpProtocols.Http2);
});
builder.Services.AddGrpcServer();
var app = builder.Build();
app.MapWhen(c => c.Connection.LocalPort == bare, b => b.Run(BareGrpcHandler.HandleAsync));
app.MapGrpcHealthService();
await app.StartAsync();
Console.WriteLine("ready");
await Console.In.ReadToEndAsync();
await app.StopAsync();
return 0;
