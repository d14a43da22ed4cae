using AuthzService.Api.Services;
using AuthzService.Api.Serving;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using FluentValidation;
using Grpc.Core;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// Decides AuthZEN evaluations with <c>CheckResources</c> itself: each evaluation (or a batch of evaluations of one
/// subject) becomes a CheckResourcesRequest that runs through the request stage of the shared pipeline (tenant
/// binding, tenant limit, deadline bound, validation, status mapping, decision audit) into the gRPC handler, so the
/// principal building, cache and fail-closed rules are the same code. Only an explicit ALLOW of the asked action
/// is a <c>true</c>.
/// </summary>
internal sealed class AuthZenDecider(InProcessPipeline pipeline, AuthorizationGrpcService service, IValidator<CheckResourcesRequest> validator)
{
    /// <summary>The gRPC method AuthZEN decisions are made with (and what the allow-list must grant for them).</summary>
    public static readonly string CheckMethod = "/" + AuthorizationService.Descriptor.FullName + "/CheckResources";

    /// <summary>Problems the CheckResources validator finds in one evaluation, as AuthZEN names the fields; null when none.</summary>
    public string? Problems(AuthZenDecisionRequest evaluation)
    {
        var result = validator.Validate(RequestOf(string.Empty, [evaluation]));
        return result.IsValid
            ? null
            : AuthZenErrors.Translate(
                string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")),
                evaluation.TenantFromPath,
                evaluation.PrincipalContext.ContainsKey(AuthZenRequestReader.ReservedProperty));
    }

    /// <summary>
    /// Decides evaluations of one principal in one CheckResources call; results in the same order. A failed call
    /// fails every evaluation of it (as errors, never as decisions).
    /// </summary>
    public async Task<AuthZenResult[]> DecideAsync(HttpContext httpContext, string requestId, IReadOnlyList<AuthZenDecisionRequest> evaluations)
    {
        var request = RequestOf(requestId, evaluations);
        var context = new HttpServerCallContext(httpContext, CheckMethod);
        CheckResourcesResponse response;
        try
        {
            response = await pipeline.InvokeAsync(request, context, service.CheckResources);
        }
        catch (RpcException ex)
        {
            var error = AuthZenResult.Error(AuthZenErrors.HttpStatusOf(ex.StatusCode), AuthZenErrors.MessageOf(ex, evaluations[0].TenantFromPath), AuthZenErrors.RetryAfterOf(ex));
            return [.. evaluations.Select(_ => error)];
        }

        // CheckResources answers every entry in request order (DecisionService checks the decision point's answer
        // once, and the response maps each outcome), so the results are read by position without counting again.
        var results = new AuthZenResult[evaluations.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var result = response.Results[i];
            var allowed = result.Actions.TryGetValue(evaluations[i].Action, out var effect) && effect == Effect.Allow;
            results[i] = new AuthZenResult(allowed, allowed || result.DenyReason == DenyReason.Unspecified ? null : ReasonOf(result.DenyReason));
        }

        return results;
    }

    /// <summary>
    /// Asks for every candidate action of one evaluation (its own action ignored) in as few CheckResources calls as
    /// the limits allow (50 actions per entry, 50 entries per call), all on the same resource; the allowed ones in
    /// ordinal order. Any failed call fails the whole answer. Without candidates no decision is asked, but the
    /// caller's tenant binding still applies (a 403 stays a 403 whatever the kind).
    /// </summary>
    public async Task<ActionSearchOutcome> DecideActionsAsync(HttpContext httpContext, string requestId, AuthZenDecisionRequest evaluation, IReadOnlyList<string> candidates)
    {
        var context = new HttpServerCallContext(httpContext, CheckMethod);
        // An action name CheckResources would refuse (over 128 characters, control characters) cannot be allowed through
        // our API either: asking about it would fail the whole search, so it is no candidate.
        candidates = [.. candidates.Where(RuleExtensions.BeValidIdText)];
        try
        {
            if (candidates.Count == 0)
            {
                await pipeline.AdmitTenantAsync(RequestOf(requestId, [evaluation]), context);
                return new ActionSearchOutcome([], "no_declared_actions", null);
            }

            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            var reason = DenyReason.Unspecified;
            const int PerCall = RequestLimits.MaxActions * RequestLimits.MaxResources;
            for (var start = 0; start < candidates.Count; start += PerCall)
            {
                var request = RequestOf(requestId, [evaluation]);
                request.Resources.Clear();
                foreach (var chunk in candidates.Skip(start).Take(PerCall).Chunk(RequestLimits.MaxActions))
                {
                    var resource = new Resource { Kind = evaluation.ResourceType, Id = evaluation.ResourceId };
                    resource.Attr.Add(evaluation.ResourceAttributes);
                    request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { chunk } });
                }

                var response = await pipeline.InvokeAsync(request, context, service.CheckResources);
                foreach (var result in response.Results)
                {
                    allowed.UnionWith(result.Actions.Where(a => a.Value == Effect.Allow).Select(a => a.Key));
                    reason = reason == DenyReason.Unspecified ? result.DenyReason : reason;
                }
            }

            return new ActionSearchOutcome([.. allowed], allowed.Count == 0 && reason != DenyReason.Unspecified ? ReasonOf(reason) : null, null);
        }
        catch (RpcException ex)
        {
            return new ActionSearchOutcome([], null, AuthZenResult.Error(AuthZenErrors.HttpStatusOf(ex.StatusCode), AuthZenErrors.MessageOf(ex, evaluation.TenantFromPath), AuthZenErrors.RetryAfterOf(ex)));
        }
    }

    internal static CheckResourcesRequest RequestOf(string requestId, IReadOnlyList<AuthZenDecisionRequest> evaluations)
    {
        var first = evaluations[0];
        var request = new CheckResourcesRequest { RequestId = requestId, TenantId = first.TenantId, TeamId = first.TeamId, PrincipalId = first.PrincipalId };
        request.PrincipalContext.Add(first.PrincipalContext);
        foreach (var evaluation in evaluations)
        {
            var resource = new Resource { Kind = evaluation.ResourceType, Id = evaluation.ResourceId };
            resource.Attr.Add(evaluation.ResourceAttributes);
            request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { evaluation.Action } });
        }

        return request;
    }

    // The audit's and CheckResources's names for local denials (see DecisionAuditor.ReasonName).
    private static string ReasonOf(DenyReason reason) => reason switch
    {
        DenyReason.CrossTenant => "cross_tenant",
        DenyReason.TenantSuspended => "tenant_suspended",
        DenyReason.TenantUnknown => "tenant_unknown",
        _ => reason.ToString().ToLowerInvariant(),
    };
}

/// <summary>An action search's answer: the allowed actions (ordinal order) and the local reason when none is, or an error.</summary>
internal sealed record ActionSearchOutcome(IReadOnlyList<string> Allowed, string? Reason, AuthZenResult? Error);
