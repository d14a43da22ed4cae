using AuthzService.Api.Validation;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// <c>GET /.well-known/authzen-configuration</c> (and <c>/{tenant_id}</c>, <c>/tenants/{tenant_id}</c>): the PDP
/// metadata. <c>policy_decision_point</c> is the identifier the fetched URL was derived from (RFC 8615: the URL
/// with the well-known segment taken out), from the request's own scheme and host, so a PEP's mix-up check passes
/// however the service is reached; each endpoint served is listed with its full URL, and nothing that is not served.
/// </summary>
internal sealed class AuthZenMetadataEndpoint(AuthZenExchange exchange, AuthZenActionSearchEndpoint actionSearch)
{
    public const string WellKnown = "/.well-known/authzen-configuration";

    public Task UnscopedAsync(HttpContext httpContext) =>
        exchange.RunAsync(httpContext, "GET " + WellKnown, _ =>
        {
            var origin = Origin(httpContext.Request);
            return WriteAsync(httpContext, origin, origin);
        });

    /// <summary><paramref name="tenantsSegment"/>: fetched as <c>/tenants/{tenant_id}</c> rather than <c>/{tenant_id}</c>.</summary>
    public Task ScopedAsync(HttpContext httpContext, bool tenantsSegment) =>
        exchange.RunAsync(httpContext, "GET " + WellKnown + "/{tenant_id}", call =>
        {
            var tenant = call.PathTenant ?? string.Empty;
            if (!RuleExtensions.BeValidIdText(tenant))
            {
                return AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"tenant_id (path): {RuleExtensions.IdTextRule}");
            }

            var origin = Origin(httpContext.Request);
            var escaped = Uri.EscapeDataString(tenant);
            var pdp = tenantsSegment ? $"{origin}/tenants/{escaped}" : $"{origin}/{escaped}";
            return WriteAsync(httpContext, pdp, $"{origin}/tenants/{escaped}");
        });

    private Task WriteAsync(HttpContext httpContext, string pdp, string apiBase)
    {
        httpContext.Response.Headers.CacheControl = "max-age=300";
        return AuthZenExchange.WriteJsonAsync(httpContext, w =>
        {
            w.WriteStartObject();
            w.WriteString("policy_decision_point", pdp);
            w.WriteString("access_evaluation_endpoint", apiBase + AuthZenRoutes.Evaluation);
            w.WriteString("access_evaluations_endpoint", apiBase + AuthZenRoutes.Evaluations);
            w.WriteString("search_subject_endpoint", apiBase + AuthZenRoutes.SearchSubject);
            if (actionSearch.IsServed)
            {
                w.WriteString("search_action_endpoint", apiBase + AuthZenRoutes.SearchAction);
            }
            w.WriteEndObject();
        });
    }

    private static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
