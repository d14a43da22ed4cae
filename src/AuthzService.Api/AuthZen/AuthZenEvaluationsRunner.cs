using AuthzService.Api.Validation;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// The three <c>options.evaluations_semantic</c> values over already-read evaluations. <c>execute_all</c> decides
/// every evaluation, one CheckResources call per subject (at most <see cref="RequestLimits.MaxResources"/> entries
/// each), results in request order. The short-circuit semantics decide one evaluation at a time, in order, and stop
/// after the first deny (an error counts as one) or the first permit: nothing after it is decided or audited.
/// </summary>
internal sealed class AuthZenEvaluationsRunner(AuthZenDecider decider)
{
    public const string ExecuteAll = "execute_all";
    public const string DenyOnFirstDeny = "deny_on_first_deny";
    public const string PermitOnFirstPermit = "permit_on_first_permit";

    public static readonly string[] Semantics = [ExecuteAll, DenyOnFirstDeny, PermitOnFirstPermit];

    /// <summary>
    /// <paramref name="items"/>: each evaluation read, or the error that reading it (or validating it) found.
    /// Returns the results to send, in request order (fewer than asked only when a short-circuit stopped).
    /// </summary>
    public async Task<List<AuthZenResult>> RunAsync(HttpContext httpContext, string requestId, IReadOnlyList<(AuthZenDecisionRequest? Request, AuthZenResult? Error)> items, string semantic)
    {
        if (semantic == ExecuteAll)
        {
            return await ExecuteAllAsync(httpContext, requestId, items);
        }

        var results = new List<AuthZenResult>(items.Count);
        foreach (var (request, error) in items)
        {
            var result = error ?? (await decider.DecideAsync(httpContext, requestId, [request!]))[0];
            results.Add(result);
            if (semantic == DenyOnFirstDeny && !result.Decision)
            {
                break;
            }

            if (semantic == PermitOnFirstPermit && result.Decision)
            {
                break;
            }
        }

        return results;
    }

    private async Task<List<AuthZenResult>> ExecuteAllAsync(HttpContext httpContext, string requestId, IReadOnlyList<(AuthZenDecisionRequest? Request, AuthZenResult? Error)> items)
    {
        var results = new AuthZenResult?[items.Count];
        var batches = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Error is { } error)
            {
                results[i] = error;
                continue;
            }

            var key = items[i].Request!.PrincipalKey;
            if (!batches.TryGetValue(key, out var batch))
            {
                batch = [];
                batches[key] = batch;
            }

            batch.Add(i);
        }

        foreach (var batch in batches.Values)
        {
            foreach (var chunk in batch.Chunk(RequestLimits.MaxResources))
            {
                var decided = await decider.DecideAsync(httpContext, requestId, [.. chunk.Select(i => items[i].Request!)]);
                for (var j = 0; j < chunk.Length; j++)
                {
                    results[chunk[j]] = decided[j];
                }
            }
        }

        return [.. results.Select(r => r!)];
    }
}
