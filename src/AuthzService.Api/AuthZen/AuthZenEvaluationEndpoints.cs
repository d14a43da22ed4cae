using System.Text.Json;
using AuthzService.Api.Validation;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// <c>POST /access/v1/evaluation</c> and <c>POST /access/v1/evaluations</c>. A single evaluation that cannot be
/// decided is an HTTP error (400 naming the field, 401/403 for the caller, 429, 503...); inside
/// <c>evaluations</c>, an evaluation that fails is <c>decision: false</c> with <c>context.error</c>, and the
/// request still answers 200. Only a failure of the whole payload (not JSON, bad <c>options</c>, too many items) or of
/// the caller is an HTTP error there.
/// </summary>
internal sealed class AuthZenEvaluationEndpoints(AuthZenExchange exchange, AuthZenDecider decider, AuthZenEvaluationsRunner runner)
{
    public Task EvaluationAsync(HttpContext httpContext) =>
        exchange.RunAsync(httpContext, "POST /access/v1/evaluation", async call =>
        {
            using var body = await exchange.ReadBodyAsync(httpContext);
            if (body is null)
            {
                return;
            }

            var result = await DecideOneAsync(call, AuthZenEvaluation.From(body.RootElement));
            if (result.IsError)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, result);
                return;
            }

            await AuthZenExchange.WriteJsonAsync(httpContext, w => WriteDecision(w, result));
        });

    public Task EvaluationsAsync(HttpContext httpContext) =>
        exchange.RunAsync(httpContext, "POST /access/v1/evaluations", async call =>
        {
            using var body = await exchange.ReadBodyAsync(httpContext);
            if (body is null)
            {
                return;
            }

            var root = body.RootElement;
            var defaults = AuthZenEvaluation.From(root);
            if (ReadSemantic(root, out var semantic) is { } optionsProblem)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, optionsProblem);
                return;
            }

            var hasItems = root.TryGetProperty("evaluations", out var evaluations) && evaluations.ValueKind != JsonValueKind.Null;
            if (hasItems && evaluations.ValueKind != JsonValueKind.Array)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"evaluations: must be an array (got {AuthZenRequestReader.Kind(evaluations)})");
                return;
            }

            if (!hasItems || evaluations.GetArrayLength() == 0)
            {
                // No evaluations: the request is a single evaluation, and so is the answer (the spec's backwards-compatible form).
                var single = await DecideOneAsync(call, defaults);
                if (single.IsError)
                {
                    await AuthZenExchange.WriteErrorAsync(httpContext, single);
                    return;
                }

                await AuthZenExchange.WriteJsonAsync(httpContext, w => WriteDecision(w, single));
                return;
            }

            if (evaluations.GetArrayLength() > RequestLimits.MaxResources)
            {
                await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"evaluations: must have at most {RequestLimits.MaxResources} entries");
                return;
            }

            var items = new List<(AuthZenDecisionRequest?, AuthZenResult?)>();
            foreach (var item in evaluations.EnumerateArray())
            {
                items.Add(Read(item, defaults, call.PathTenant));
            }

            var results = await runner.RunAsync(httpContext, call.RequestId, items, semantic);
            await AuthZenExchange.WriteJsonAsync(httpContext, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("evaluations");
                foreach (var result in results)
                {
                    WriteDecision(w, result);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

    private async Task<AuthZenResult> DecideOneAsync(AuthZenCall call, AuthZenEvaluation evaluation)
    {
        var (request, error) = Read(evaluation, call.PathTenant);
        return error ?? (await decider.DecideAsync(call.HttpContext, call.RequestId, [request!]))[0];
    }

    /// <summary>One <c>evaluations[]</c> item over the request's defaults: the request to decide, or its 400 (also the fuzz target's entry).</summary>
    internal (AuthZenDecisionRequest?, AuthZenResult?) Read(JsonElement item, AuthZenEvaluation defaults, string? pathTenant)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return (null, AuthZenResult.Error(StatusCodes.Status400BadRequest, $"evaluation: must be a JSON object (got {AuthZenRequestReader.Kind(item)})"));
        }

        return Read(AuthZenEvaluation.From(item).Over(defaults), pathTenant);
    }

    /// <summary>One evaluation: the request to decide, or its 400 naming the fields.</summary>
    internal (AuthZenDecisionRequest?, AuthZenResult?) Read(AuthZenEvaluation evaluation, string? pathTenant)
    {
        var problems = new List<string>();
        var request = AuthZenRequestReader.Read(evaluation, pathTenant, problems);
        if (request is null)
        {
            return (null, AuthZenResult.Error(StatusCodes.Status400BadRequest, string.Join("; ", problems)));
        }

        return decider.Problems(request) is { } invalid ? (null, AuthZenResult.Error(StatusCodes.Status400BadRequest, invalid)) : (request, null);
    }

    internal static string? ReadSemantic(JsonElement root, out string semantic)
    {
        semantic = AuthZenEvaluationsRunner.ExecuteAll;
        if (!root.TryGetProperty("options", out var options) || options.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (options.ValueKind != JsonValueKind.Object)
        {
            return $"options: must be a JSON object (got {AuthZenRequestReader.Kind(options)})";
        }

        if (!options.TryGetProperty("evaluations_semantic", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !AuthZenEvaluationsRunner.Semantics.Contains(value.GetString()))
        {
            return $"options.evaluations_semantic: must be one of {string.Join(", ", AuthZenEvaluationsRunner.Semantics)}";
        }

        semantic = value.GetString()!;
        return null;
    }

    private static void WriteDecision(Utf8JsonWriter writer, AuthZenResult result)
    {
        writer.WriteStartObject();
        // Fail closed whatever the caller makes of the rest: an error is never a permit.
        writer.WriteBoolean("decision", result.Decision && !result.IsError);
        if (result.IsError)
        {
            writer.WriteStartObject("context");
            writer.WriteStartObject("error");
            writer.WriteNumber("status", result.ErrorStatus!.Value);
            writer.WriteString("message", result.ErrorMessage);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (result.Reason is { } reason)
        {
            writer.WriteStartObject("context");
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
