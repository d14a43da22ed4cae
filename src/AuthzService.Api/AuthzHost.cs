using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AuthzService.Api;

/// <summary>Builds the service host; tests use the same path with their own configuration.</summary>
public static class AuthzHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the binary: don't depend on the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // gRPC needs HTTP/2 on every endpoint; with plaintext (h2c) that means HTTP/2 only, with prior knowledge.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        configure?.Invoke(builder);
        builder.Services.AddAuthzServices(builder.Configuration);
        var app = builder.Build();
        app.MapAuthzServices();
        return app;
    }
}
