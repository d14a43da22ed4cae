using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

            using var body = await _exchange.ReadBodyAsync(httpContext);
            if (body is null)
            {
                return;
            }

            var root = body.RootElement;
            var evaluation = AuthZenEvaluation.From(root);
            var problems = new List<string>();
            // The action is what is searched for: the spec leaves the key out, and an action sent anyway is ignored.
            var probe = AuthZenRequestReader.Read(evaluation, call.PathTenant, problems, actionName: "candidate");
            var limit = ReadPage(root, problems, out var token);
            if (probe is not null && problems.Count == 0 && _decider.Problems(probe) is { } invalid)
            {
                problems.Add(invalid);
            }

            if (probe is null || problems.Count > 0)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, string.Join("; ", problems));
                return;
            }

            var fingerprint = Fingerprint(root, limit, call.PathTenant);
            var after = string.Empty;
            if (token is not null)
            {
                if (Decode(token, fingerprint) is not { } resumed)
                {
                    await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest,
                        "page.token: is not a next_token of this search (subject, resource, context and page.limit must stay the same)");
                    return;
                }

                after = resumed;
            }

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
            var next = page.Count < remaining.Count ? Encode(fingerprint, page[^1]) : string.Empty;
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

    private static int ReadPage(JsonElement root, List<string> problems, out string? token)
    {
        token = null;
        if (!root.TryGetProperty("page", out var page) || page.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (page.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"page: must be a JSON object (got {AuthZenRequestReader.Kind(page)})");
            return 0;
        }

        if (page.TryGetProperty("token", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                problems.Add($"page.token: must be a string (got {AuthZenRequestReader.Kind(t)})");
            }
            else if (t.GetString()!.Length > 0)
            {
                token = t.GetString();
            }
        }

        if (!page.TryGetProperty("limit", out var l) || l.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out var limit) || limit < 0)
        {
            problems.Add($"page.limit: must be a non-negative integer (0: no limit) (got {l.GetRawText()})");
            return 0;
        }

        return limit;
    }

    // What must stay the same across the pages of one search (the spec asks PDPs to refuse changes); action is not searched by.
    private static string Fingerprint(JsonElement root, int limit, string? pathTenant)
    {
        var text = string.Join('\u001f', "action-search", Raw(root, "subject"), Raw(root, "resource"), Raw(root, "context"), limit, pathTenant);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Raw(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetRawText() : string.Empty;

    private static string Encode(string fingerprint, string lastAction) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { fingerprint, lastAction }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The last action of the previous page, or null when the token is not one of this search.</summary>
    private static string? Decode(string token, string fingerprint)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            return parts is [var f, var last] && f == fingerprint ? last : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
