namespace AuthzService.Api;

/// <summary>Builds the service host; tests use the same path with their own configuration.</summary>
public static class AuthzHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddAuthzServices(builder.Configuration);
        var app = builder.Build();
        app.MapAuthzServices();
        return app;
    }
}
