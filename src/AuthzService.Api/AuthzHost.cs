namespace AuthzService.Api;

/// <summary>Builds the service host; tests use the same path with their own configuration.</summary>
public static class AuthzHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the binary: don't depend on the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Listeners (TLS with client certificates, the health-only listener), JSON logs and the shutdown grace period.
        builder.ConfigureServingHost();
        configure?.Invoke(builder);
        builder.Services.AddAuthzServices(builder.Configuration);
        // Last, so its decorators (tracing) wrap whatever AddAuthzServices registered.
        builder.Services.AddServing(builder.Configuration);
        var app = builder.Build();
        app.UseServing();
        app.MapAuthzServices();
        return app;
    }
}
