using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>
/// A bare Kestrel HTTP/2 endpoint on 127.0.0.1:0 whose handler writes gRPC responses byte by byte,
/// so client tests control exactly what reaches the wire (statuses, trailers, resets, bad framing).
/// </summary>
internal sealed class HandBuiltServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HandBuiltServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<HandBuiltServer> StartAsync(
        RequestDelegate handler,
        HttpsConnectionAdapterOptions? https = null,
        Action<KestrelServerOptions>? configureKestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            configureKestrel?.Invoke(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (https is not null)
                {
                    listen.UseHttps(https);
                }
            });
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HandBuiltServer(app, new Uri(bound));
    }

    /// <summary>The same port under another host name (for host-name verification tests).</summary>
    public Uri AddressWithHost(string host) => new UriBuilder(Address) { Host = host }.Uri;

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
