using AuthzService.Infrastructure.Configuration;

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
    public const string SearchAction = "/access/v1/search/action";
    public const string SearchResource = "/access/v1/search/resource";

    private static readonly string[] s_bases = [string.Empty, "/tenants/{tenant_id}", "/{tenant_id}"];

    public static WebApplication MapAuthZen(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var prefix in s_bases)
        {
            app.MapPost(prefix + Evaluation, http => Endpoints(http).EvaluationAsync(http));
            app.MapPost(prefix + Evaluations, http => Endpoints(http).EvaluationsAsync(http));
            app.MapPost(prefix + SearchSubject, http => http.RequestServices.GetRequiredService<AuthZenSubjectSearchEndpoint>().SearchAsync(http));
            app.MapPost(prefix + SearchAction, http => http.RequestServices.GetRequiredService<AuthZenActionSearchEndpoint>().SearchAsync(http));
            app.MapPost(prefix + SearchResource, ResourceSearchAsync);
        }

        app.MapGet(AuthZenMetadataEndpoint.WellKnown, http => Metadata(http).UnscopedAsync(http));
        app.MapGet(AuthZenMetadataEndpoint.WellKnown + "/{tenant_id}", http => Metadata(http).ScopedAsync(http, tenantsSegment: false));
        app.MapGet(AuthZenMetadataEndpoint.WellKnown + "/tenants/{tenant_id}", http => Metadata(http).ScopedAsync(http, tenantsSegment: true));
        return app;
    }

    public static IServiceCollection AddAuthZen(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuthZenOptions, AuthZenOptionsValidator>(configuration.GetSection(AuthZenOptions.SectionName));
        services.AddSingleton<Serving.InProcessPipeline>();
        services.AddSingleton<AuthZenExchange>();
        services.AddSingleton<AuthZenDecider>();
        services.AddSingleton<AuthZenEvaluationsRunner>();
        services.AddSingleton<AuthZenEvaluationEndpoints>();
        services.AddSingleton<AuthZenMetadataEndpoint>();
        services.AddSingleton<AuthZenSubjectSearchEndpoint>();
        services.AddSingleton<AuthZenActionSearchEndpoint>();
        return services;
    }

    /// <summary>
    /// The answer for an API we do not serve: the spec defines no error for it (the endpoint's absence from the metadata
    /// is the signal), so it is what HTTP says of a resource that does not exist, 404, with a message naming the
    /// metadata parameter; reached only after the caller was admitted, with X-Request-ID echoed like any answer.
    /// </summary>
    public static Task WriteNotSupportedAsync(HttpContext httpContext, string api, string metadataParameter) =>
        AuthZenExchange.WriteErrorAsync(
            httpContext, StatusCodes.Status404NotFound,
            $"{api} is not supported by this PDP: {metadataParameter} is not in /.well-known/authzen-configuration.");

    // Resource search is not served (decision 43): we hold no resource inventory, and PlanResources answers with a
    // condition, not with resources.
    private static Task ResourceSearchAsync(HttpContext http) =>
        http.RequestServices.GetRequiredService<AuthZenExchange>().RunAsync(
            http, "POST " + SearchResource, _ => WriteNotSupportedAsync(http, "resource search", "search_resource_endpoint"));

    private static AuthZenEvaluationEndpoints Endpoints(HttpContext http) => http.RequestServices.GetRequiredService<AuthZenEvaluationEndpoints>();

    private static AuthZenMetadataEndpoint Metadata(HttpContext http) => http.RequestServices.GetRequiredService<AuthZenMetadataEndpoint>();
}
