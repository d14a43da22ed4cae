using AuthzService.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AuthzService.IntegrationTests.Client;

/// <summary>An HTTP/2 server that accepts every call and never answers: the deadline must end it.</summary>
public sealed class HangingGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HangingGrpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<HangingGrpcServer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        // The test bin holds the service's appsettings.json, whose Kestrel endpoint (127.0.0.1:50051) would be bound too.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(async context => await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        await app.StartAsync();
        return new HangingGrpcServer(app, new Uri($"http://localhost:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
