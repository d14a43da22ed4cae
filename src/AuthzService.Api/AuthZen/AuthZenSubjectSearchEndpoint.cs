using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthzService.Api.Services;
using AuthzService.Api.Serving;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using Grpc.Core;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// <c>POST /access/v1/search/subject</c>: which members of the tenant may do this action on this resource. It pages
/// through the tenant's memberships with <c>ListMemberships</c> and asks <c>CheckResources</c> for each member, both
/// through the shared pipeline, so the caller needs both methods on its allow-list (and the tenant in its binding),
/// and every candidate is an audited, cached, rate-limited check. A page scans up to <c>page.limit</c> membership
/// rows (default and most <see cref="RequestLimits.MaxResources"/>) and returns the members among them that are
/// allowed, so a page may hold fewer results than the limit; <c>next_token</c> is empty once the directory is done.
/// Members only: a principal without a membership in the tenant is never a result.
/// </summary>
internal sealed class AuthZenSubjectSearchEndpoint(AuthZenExchange exchange, AuthZenDecider decider, InProcessPipeline pipeline, MembershipGrpcService memberships)
{
    public static readonly string ListMembershipsMethod = "/" + MembershipService.Descriptor.FullName + "/ListMemberships";

    public Task SearchAsync(HttpContext httpContext) =>
        exchange.RunAsync(httpContext, "POST /access/v1/search/subject", async call =>
        {
            using var body = await exchange.ReadBodyAsync(httpContext);
            if (body is null)
            {
                return;
            }

            var root = body.RootElement;
            var evaluation = AuthZenEvaluation.From(root);
            var problems = new List<string>();
            // The subject's id is ignored (the spec's rule); a placeholder lets the shared rules judge the rest once.
            var probe = AuthZenRequestReader.Read(evaluation, call.PathTenant, problems, subjectId: "candidate");
            var limit = ReadLimit(root, problems, out var token);
            if (probe is not null && problems.Count == 0 && decider.Problems(probe) is { } invalid)
            {
                problems.Add(invalid);
            }

            if (probe is null || problems.Count > 0)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, string.Join("; ", problems));
                return;
            }

            var fingerprint = Fingerprint(root, limit, call.PathTenant);
            var state = token is null ? new SearchState(string.Empty, string.Empty) : SearchState.Decode(token, fingerprint);
            if (state is null)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest,
                    "page.token: is not a next_token of this search (subject, action, resource, context and page.limit must stay the same)");
                return;
            }

            var list = new ListMembershipsRequest { TenantId = probe.TenantId, PageSize = limit, PageToken = state.DirectoryToken };
            await pipeline.AdmitCallerAsync(list, new HttpServerCallContext(httpContext, ListMembershipsMethod));
            ListMembershipsResponse page;
            try
            {
                page = await pipeline.InvokeAsync(list, new HttpServerCallContext(httpContext, ListMembershipsMethod), memberships.ListMemberships);
            }
            catch (RpcException ex)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, ex, probe.TenantFromPath);
                return;
            }

            var allowed = new List<string>();
            // Rows come ordered by principal: a principal whose rows straddle two pages was judged on the first.
            foreach (var candidate in page.Memberships.Select(m => m.PrincipalId).Distinct(StringComparer.Ordinal).Where(p => p != state.LastPrincipal))
            {
                var request = AuthZenRequestReader.Read(evaluation, call.PathTenant, [], candidate)!;
                var result = (await decider.DecideAsync(httpContext, call.RequestId, [request]))[0];
                if (result.IsError)
                {
                    // No partial lists: a search that could not judge a member fails as a whole.
                    await AuthZenExchange.WriteErrorAsync(httpContext, result);
                    return;
                }

                if (result.Decision)
                {
                    allowed.Add(candidate);
                }
            }

            var last = page.Memberships.Count > 0 ? page.Memberships[^1].PrincipalId : state.LastPrincipal;
            var next = page.NextPageToken.Length == 0 ? string.Empty : new SearchState(page.NextPageToken, last).Encode(fingerprint);
            var subjectType = evaluation.Subject!.Value.GetProperty("type").GetString()!;
            await AuthZenExchange.WriteJsonAsync(httpContext, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("page");
                w.WriteString("next_token", next);
                w.WriteNumber("count", allowed.Count);
                w.WriteEndObject();
                w.WriteStartArray("results");
                foreach (var id in allowed)
                {
                    w.WriteStartObject();
                    w.WriteString("type", subjectType);
                    w.WriteString("id", id);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

    private static int ReadLimit(JsonElement root, List<string> problems, out string? token)
    {
        token = null;
        if (!root.TryGetProperty("page", out var page) || page.ValueKind == JsonValueKind.Null)
        {
            return RequestLimits.MaxResources;
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
            return RequestLimits.MaxResources;
        }

        if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out var limit) || limit < 0 || limit > RequestLimits.MaxResources)
        {
            problems.Add($"page.limit: must be an integer from 0 to {RequestLimits.MaxResources} (0: the default, {RequestLimits.MaxResources})");
            return 0;
        }

        return limit == 0 ? RequestLimits.MaxResources : limit;
    }

    // What must stay the same across the pages of one search (the spec asks PDPs to refuse changes).
    private static string Fingerprint(JsonElement root, int limit, string? pathTenant)
    {
        var text = string.Join('\u001f', Raw(root, "subject"), Raw(root, "action"), Raw(root, "resource"), Raw(root, "context"), limit, pathTenant);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Raw(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetRawText() : string.Empty;

    /// <summary>Where a search stands: the directory's next page and the last principal already judged.</summary>
    private sealed record SearchState(string DirectoryToken, string LastPrincipal)
    {
        public string Encode(string fingerprint) =>
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { fingerprint, DirectoryToken, LastPrincipal }))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static SearchState? Decode(string token, string fingerprint)
        {
            try
            {
                var base64 = token.Replace('-', '+').Replace('_', '/');
                var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
                return parts is [var f, var directory, var last] && f == fingerprint ? new SearchState(directory, last) : null;
            }
            catch (Exception ex) when (ex is FormatException or JsonException)
            {
                return null;
            }
        }
    }
}
