using AuthzService.Core.Decisions;
using Cerbos.Api.V1.Response;
using DecisionEffect = AuthzService.Core.Decisions.Effect;
using ResultEntry = Cerbos.Api.V1.Response.CheckResourcesResponse.Types.ResultEntry;
using WireEffect = Cerbos.Api.V1.Effect.Effect;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// Turns a CheckResources response into decisions, failing closed: only EFFECT_ALLOW allows. An answer
/// that does not match the request (count, id, kind, a missing action, UNSPECIFIED or NO_MATCH) yields
/// denies for what it affects and a list of problems, so the result is flagged and never cached.
/// </summary>
internal static class CheckResponseMapper
{
    public static (IReadOnlyList<ResourceDecision> Results, IReadOnlyList<string> Problems) Map(
        PdpCheckRequest request, CheckResourcesResponse response)
    {
        var problems = new List<string>();
        if (response.Results.Count != request.Resources.Count)
        {
            // Without a one-to-one answer we cannot tell which result belongs to which resource.
            problems.Add($"{response.Results.Count} results for {request.Resources.Count} resources");
            return ([.. request.Resources.Select(DenyAll)], problems);
        }

        var results = new ResourceDecision[request.Resources.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = MapOne(i, request.Resources[i], response.Results[i], problems);
        }

        return (results, problems);
    }

    public static ResourceDecision DenyAll(PdpResource resource) => new(
        resource.Kind,
        resource.Id,
        resource.Actions.Distinct(StringComparer.Ordinal).ToDictionary(a => a, _ => DecisionEffect.Deny, StringComparer.Ordinal),
        new Dictionary<string, ActionMatch>(StringComparer.Ordinal),
        [],
        []);

    private static ResourceDecision MapOne(int index, PdpResource requested, ResultEntry result, List<string> problems)
    {
        var echoed = result.Resource;
        if (echoed is null || echoed.Id != requested.Id || echoed.Kind != requested.Kind)
        {
            problems.Add($"result {index} is for {echoed?.Kind}/{echoed?.Id}, expected {requested.Kind}/{requested.Id}");
            return DenyAll(requested);
        }

        var actions = new Dictionary<string, DecisionEffect>(StringComparer.Ordinal);
        foreach (var action in requested.Actions)
        {
            if (!result.Actions.TryGetValue(action, out var effect))
            {
                problems.Add($"result {index} ({requested.Kind}/{requested.Id}) has no effect for action '{action}'");
                actions[action] = DecisionEffect.Deny;
                continue;
            }

            switch (effect)
            {
                case WireEffect.Allow:
                    actions[action] = DecisionEffect.Allow;
                    break;
                case WireEffect.Deny:
                    actions[action] = DecisionEffect.Deny;
                    break;
                default:
                    problems.Add($"result {index} ({requested.Kind}/{requested.Id}) action '{action}' has effect {effect}");
                    actions[action] = DecisionEffect.Deny;
                    break;
            }
        }

        var matches = new Dictionary<string, ActionMatch>(StringComparer.Ordinal);
        IReadOnlyList<string> derivedRoles = [];
        if (result.Meta is { } meta)
        {
            foreach (var (action, match) in meta.Actions)
            {
                matches[action] = new ActionMatch(match.MatchedPolicy, match.MatchedScope);
            }

            derivedRoles = [.. meta.EffectiveDerivedRoles];
        }

        return new ResourceDecision(
            requested.Kind, requested.Id, actions, matches, derivedRoles, ValidationIssues.Map(result.ValidationErrors));
    }
}
