namespace AuthzService.Api.AuthZen;

/// <summary>
/// Where the AuthZEN API is served. Each access endpoint exists under three bases: none (the tenant is
/// <c>subject.properties.tenant_id</c>), <c>/tenants/{tenant_id}</c>, and <c>/{tenant_id}</c> (the base a PEP derives
/// from the tenant's <c>policy_decision_point</c> when it appends the spec's default paths).
/// </summary>
internal static class AuthZenRoutes
{
    public const string Evaluation = "/access/v1/evaluation";
    public const string Evaluations = "/access/v1/evaluations";
    public const string SearchSubject = "/access/v1/search/subject";

    private static readonly string[] s_bases = [string.Empty, "/tenants/{tenant_id}", "/{tenant_id}"];

    public static WebApplication MapAuthZen(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var prefix in s_bases)
        {
            app.MapPost(prefix + Evaluation, http => Endpoints(http).EvaluationAsync(http));
            app.MapPost(prefix + Evaluations, http => Endpoints(http).EvaluationsAsync(http));
            app.MapPost(prefix + SearchSubject, http => http.RequestServices.GetRequiredService<AuthZenSubjectSearchEndpoint>().SearchAsync(http));
        }

        app.MapGet(AuthZenMetadataEndpoint.WellKnown, http => Metadata(http).UnscopedAsync(http));
        app.MapGet(AuthZenMetadataEndpoint.WellKnown + "/{tenant_id}", http => Metadata(http).ScopedAsync(http, tenantsSegment: false));
        app.MapGet(AuthZenMetadataEndpoint.WellKnown + "/tenants/{tenant_id}", http => Metadata(http).ScopedAsync(http, tenantsSegment: true));
        return app;
    }

    public static IServiceCollection AddAuthZen(this IServiceCollection services)
    {
        services.AddSingleton<Serving.InProcessPipeline>();
        services.AddSingleton<AuthZenExchange>();
        services.AddSingleton<AuthZenDecider>();
        services.AddSingleton<AuthZenEvaluationsRunner>();
        services.AddSingleton<AuthZenEvaluationEndpoints>();
        services.AddSingleton<AuthZenMetadataEndpoint>();
        services.AddSingleton<AuthZenSubjectSearchEndpoint>();
        return services;
    }

    private static AuthZenEvaluationEndpoints Endpoints(HttpContext http) => http.RequestServices.GetRequiredService<AuthZenEvaluationEndpoints>();

    private static AuthZenMetadataEndpoint Metadata(HttpContext http) => http.RequestServices.GetRequiredService<AuthZenMetadataEndpoint>();
}
