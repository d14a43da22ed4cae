using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using AuthzService.Contracts.V1;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// The same checks asked through AuthZEN (<c>POST .../access/v1/evaluations</c>, docs/authzen.md "Mapping onto
/// CheckResources"): one item per resource and action, the tenant from one of the three path bases (percent-encoded) or
/// from <c>subject.properties.tenant_id</c>, the team from <c>subject.properties.team_id</c>, the rest of the subject's
/// properties as the request-time context. AuthZEN has no consistency and no policy version.
/// </summary>
internal static class OracleAuthZen
{
    /// <summary>The check as AuthZEN can ask it: context keys AuthZEN reads as tenant or team left out, policy versions empty.</summary>
    public static OracleCheck Askable(OracleCheck check) => check with
    {
        Context = check.Context.RemoveRange(["tenant_id", "team_id", "authzen"]),
        Entries = [.. check.Entries.Select(e => new ResourceEntry(e) { Resource = new Resource(e.Resource) { PolicyVersion = "" } })],
    };

    public static async Task<CheckResourcesResponse> EvaluateAsync(HttpClient http, OracleCheck check, int pathBase, string requestId)
    {
        var properties = OraclePrincipal.Object(check.Context);
        if (check.Team.Length > 0)
        {
            properties["team_id"] = check.Team;
        }

        var tenant = Uri.EscapeDataString(check.Tenant);
        var path = pathBase switch
        {
            0 => "/access/v1/evaluations",
            1 => $"/tenants/{tenant}/access/v1/evaluations",
            _ => $"/{tenant}/access/v1/evaluations",
        };
        if (pathBase == 0)
        {
            properties["tenant_id"] = check.Tenant;
        }

        var items = new JsonArray();
        var asked = new List<(int Entry, string Action)>();
        foreach (var (entry, i) in check.Entries.Select((e, i) => (e, i)))
        {
            foreach (var action in entry.Actions.Distinct(StringComparer.Ordinal))
            {
                asked.Add((i, action));
                items.Add(new JsonObject
                {
                    ["action"] = new JsonObject { ["name"] = action },
                    ["resource"] = new JsonObject
                    {
                        ["type"] = entry.Resource.Kind,
                        ["id"] = entry.Resource.Id,
                        ["properties"] = OraclePrincipal.Object(entry.Resource.Attr),
                    },
                });
            }
        }

        var body = new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "user", ["id"] = check.Principal, ["properties"] = properties },
            ["evaluations"] = items,
        }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-ID", requestId);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"AuthZEN {path} answered HTTP {(int)response.StatusCode} ({text}) to {body}");
        }

        var decisions = JsonNode.Parse(text)?["evaluations"]?.AsArray()
            ?? throw new InvalidOperationException($"AuthZEN {path} answered no evaluations ({text}) to {body}");
        if (decisions.Count != asked.Count)
        {
            throw new InvalidOperationException($"AuthZEN {path} answered {decisions.Count} evaluations for {asked.Count} items ({text}) to {body}");
        }

        // Back into CheckResources' shape, so both APIs are judged by the same code.
        var results = check.Entries.Select(e => new ResourceResult { Resource = new ResourceRef { Kind = e.Resource.Kind, Id = e.Resource.Id } }).ToImmutableArray();
        foreach (var ((entry, action), decision) in asked.Zip(decisions))
        {
            results[entry].Actions[action] = decision?["decision"]?.GetValue<bool>() == true ? Effect.Allow : Effect.Deny;
        }

        return new CheckResourcesResponse { Results = { results } };
    }
}
