using AuthzService.Infrastructure.Cerbos;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// <c>POST /access/v1/search/action</c>: which of the actions the policies declare for <c>resource.type</c> the subject
/// may do on this resource. The candidates come from the Cerbos policy directory (<see cref="CerbosPolicyActions"/>,
/// <c>AuthZen:PolicyDirectory</c>); all of them are asked in one CheckResources call through the shared pipeline
/// (several calls of 50 x 50 if a kind declares more than 2500), so the answer is Cerbos's, cached and audited
/// like any check, and only explicit ALLOWs are results. Without the directory the endpoint is not served.
/// Paging as the spec says: <c>page.limit</c> caps the results of a page (0 or absent: all of them), and a
/// <c>next_token</c> (bound to the request) resumes after the last action returned, in ordinal order.
/// </summary>
internal sealed class AuthZenActionSearchEndpoint
{
    private static readonly TimeSpan s_recheck = TimeSpan.FromSeconds(1);

    private readonly AuthZenExchange _exchange;
    private readonly AuthZenDecider _decider;
    private readonly CerbosPolicyActions? _catalog;

    public AuthZenActionSearchEndpoint(AuthZenExchange exchange, AuthZenDecider decider, IOptions<AuthZenOptions> options, TimeProvider time, ILogger<CerbosPolicyActions> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _exchange = exchange;
        _decider = decider;
        var directory = options.Value.PolicyDirectory;
        _catalog = string.IsNullOrWhiteSpace(directory) ? null : new CerbosPolicyActions(directory, s_recheck, time, logger);
    }

    /// <summary>Whether action search is served (and listed in the metadata): a policy directory is configured.</summary>
    public bool IsServed => _catalog is not null;

    public Task SearchAsync(HttpContext httpContext) =>
        _exchange.RunAsync(httpContext, "POST " + AuthZenRoutes.SearchAction, async call =>
        {
            if (_catalog is null)
            {
                await AuthZenRoutes.WriteNotSupportedAsync(httpContext, "action search", "search_action_endpoint");
                return;
            }

            // The action is what is searched for: the spec leaves the key out, and an action sent anyway is ignored.
            using var search = await AuthZenSearchRequest.ReadAsync(
                _exchange, _decider, call, "action-search", ["subject", "resource", "context"],
                (evaluation, problems) => AuthZenRequestReader.Read(evaluation, call.PathTenant, problems, actionName: "candidate"),
                int.MaxValue, "no limit");
            if (search is null)
            {
                return;
            }

            var after = string.Empty;
            if (search.Token is not null)
            {
                if (search.DecodeToken(1) is not [var resumed])
                {
                    await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest,
                        "page.token: is not a next_token of this search (subject, resource, context and page.limit must stay the same)");
                    return;
                }

                after = resumed;
            }

            var probe = search.Probe;
            var limit = search.Limit;
            var candidates = _catalog.ActionsOf(probe.ResourceType);
            var outcome = await _decider.DecideActionsAsync(httpContext, call.RequestId, probe, candidates);
            if (outcome.Error is { } error)
            {
                // No partial lists: a search that could not judge every candidate fails as a whole.
                await AuthZenExchange.WriteErrorAsync(httpContext, error);
                return;
            }

            var allowed = outcome.Allowed;
            var remaining = allowed.Where(a => string.CompareOrdinal(a, after) > 0).ToList();
            var page = limit == 0 ? remaining : remaining.Take(limit).ToList();
            var next = page.Count < remaining.Count ? search.EncodeToken(page[^1]) : string.Empty;
            await AuthZenExchange.WriteJsonAsync(httpContext, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("page");
                w.WriteString("next_token", next);
                w.WriteNumber("count", page.Count);
                w.WriteNumber("total", allowed.Count);
                w.WriteEndObject();
                if (outcome.Reason is { } reason)
                {
                    w.WriteStartObject("context");
                    w.WriteString("reason", reason);
                    w.WriteEndObject();
                }

                w.WriteStartArray("results");
                foreach (var name in page)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
}
