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
            // The subject's id is ignored (the spec's rule); a placeholder lets the shared rules judge the rest once.
            using var search = await AuthZenSearchRequest.ReadAsync(
                exchange, decider, call, "subject-search", ["subject", "action", "resource", "context"],
                (evaluation, problems) => AuthZenRequestReader.Read(evaluation, call.PathTenant, problems, subjectId: "candidate"),
                RequestLimits.MaxResources, $"the default, {RequestLimits.MaxResources}");
            if (search is null)
            {
                return;
            }

            var state = new SearchState(string.Empty, string.Empty);
            if (search.Token is not null)
            {
                if (search.DecodeToken(2) is not [var directory, var lastJudged])
                {
                    await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest,
                        "page.token: is not a next_token of this search (subject, action, resource, context and page.limit must stay the same)");
                    return;
                }

                state = new SearchState(directory, lastJudged);
            }

            var evaluation = search.Evaluation;
            var probe = search.Probe;
            var limit = search.Limit == 0 ? RequestLimits.MaxResources : search.Limit;
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
            var next = page.NextPageToken.Length == 0 ? string.Empty : search.EncodeToken(page.NextPageToken, last);
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

    /// <summary>Where a search stands: the directory's next page and the last principal already judged.</summary>
    private sealed record SearchState(string DirectoryToken, string LastPrincipal);
}
