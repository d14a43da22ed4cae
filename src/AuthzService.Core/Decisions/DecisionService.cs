using AuthzService.Core.Principals;
using AuthzService.Core.Tenancy;
using Microsoft.Extensions.Logging;

namespace AuthzService.Core.Decisions;

/// <summary>
/// Answers checks and plans: builds the tenant-scoped principal, denies locally what must never
/// reach the PDP (unknown or suspended tenant, cross-tenant resources), asks the PDP for the rest,
/// and returns results in request order. Fails closed: anything not explicitly allowed is denied,
/// and PDP failures propagate as exceptions, never as allows.
/// </summary>
public sealed class DecisionService(
    IPrincipalSource principals,
    IPolicyDecisionPoint pdp,
    ILogger<DecisionService> logger)
{
    public async Task<CheckOutcome> CheckAsync(CheckQuery command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var tenantId = command.Principal.TenantId;
        var (built, tenantDenial) = await ResolvePrincipalAsync(
            command.RequestId, command.Principal, command.AuxJwt, command.Freshness, cancellationToken).ConfigureAwait(false);
        if (built.Principal is null)
        {
            return new CheckOutcome([.. command.Resources.Select(r => DenyAll(r, tenantDenial))], null, built.Outcome);
        }

        var principal = built.Principal;
        var results = new ResourceOutcome?[command.Resources.Count];
        var asked = new List<int>(command.Resources.Count);
        for (var i = 0; i < command.Resources.Count; i++)
        {
            var resource = command.Resources[i];
            if (ResourceTenancy.IsCrossTenant(resource.Attributes, tenantId))
            {
                CoreLog.CrossTenantResource(logger, command.RequestId, tenantId, principal.Id, resource.Kind, resource.Id);
                results[i] = DenyAll(resource, DenyReason.CrossTenant);
            }
            else
            {
                asked.Add(i);
            }
        }

        if (asked.Count > 0)
        {
            var request = new PdpCheckRequest(
                command.RequestId,
                ToPdp(principal),
                [.. asked.Select(i => ToPdp(command.Resources[i], principal.Scope))],
                command.IncludeMeta,
                command.AuxJwt)
            {
                Stamp = StampOf(principal, command.Freshness),
                Deadline = command.Deadline,
                AuxKeySetId = command.AuxKeySetId,
            };
            PdpCheckResult answer;
            using (var span = DecisionTracing.Source.StartActivity("authz.decision_cache"))
            {
                // The cache lookup, and the Cerbos call (the adapter's own span) on a miss.
                span?.SetTag("authz.resources", request.Resources.Count);
                answer = await pdp.CheckAsync(request, cancellationToken).ConfigureAwait(false);
                if (span is not null && answer.Results.Count > 0)
                {
                    span.SetTag("authz.source", string.Join(',', answer.Results.Select(r => r.Source).Distinct()));
                }
            }

            if (answer.Results.Count != asked.Count)
            {
                // The adapter guarantees one result per resource; anything else is a bug we must not guess around.
                throw new PdpProtocolException($"PDP returned {answer.Results.Count} results for {asked.Count} resources");
            }

            for (var j = 0; j < asked.Count; j++)
            {
                var resource = command.Resources[asked[j]];
                var decision = answer.Results[j];
                results[asked[j]] = new ResourceOutcome(resource, EffectsFor(resource.Actions, decision), DenyReason.None, decision.Source, decision);
            }
        }

        return new CheckOutcome([.. results.Select(r => r!)], principal, built.Outcome);
    }

    public async Task<PlanOutcome> PlanAsync(PlanQuery command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var tenantId = command.Principal.TenantId;
        // Plans are not cached: they are rarer than checks and their trees are large.
        var (built, tenantDenial) = await ResolvePrincipalAsync(
            command.RequestId, command.Principal, command.AuxJwt, Freshness.Default, cancellationToken).ConfigureAwait(false);
        if (built.Principal is null)
        {
            return new PlanOutcome(PlanKind.AlwaysDenied, null, string.Empty, [], tenantDenial, null, string.Empty);
        }

        var principal = built.Principal;
        if (ResourceTenancy.IsCrossTenant(command.Attributes, tenantId))
        {
            CoreLog.CrossTenantResource(logger, command.RequestId, tenantId, principal.Id, command.Kind, "*");
            return new PlanOutcome(PlanKind.AlwaysDenied, null, string.Empty, [], DenyReason.CrossTenant, principal, principal.Scope);
        }

        using var span = DecisionTracing.Source.StartActivity("authz.plan");
        var plan = await pdp.PlanAsync(
            new PdpPlanRequest(
                command.RequestId, ToPdp(principal), command.Kind, command.Attributes, command.PolicyVersion,
                principal.Scope, command.Actions, command.IncludeMeta, command.AuxJwt)
            {
                Deadline = command.Deadline,
                AuxKeySetId = command.AuxKeySetId,
            },
            cancellationToken).ConfigureAwait(false);
        return new PlanOutcome(plan.Kind, plan.Condition, plan.FilterDebug, plan.ValidationErrors, DenyReason.None, principal, principal.Scope);
    }

    /// <summary>
    /// The checks every request starts with: a JWT naming another tenant is refused outright; an unknown
    /// or suspended tenant yields no principal and the reason to deny everything with.
    /// </summary>
    private async Task<(PrincipalBuildResult Built, DenyReason TenantDenial)> ResolvePrincipalAsync(
        string requestId, RequestedPrincipal request, string? auxJwt, Freshness freshness, CancellationToken cancellationToken)
    {
        if (JwtTenantClaim.ContradictsTenant(auxJwt, request.TenantId))
        {
            CoreLog.JwtTenantMismatch(logger, requestId, request.TenantId, request.PrincipalId);
            throw new TenantMismatchException("aux_data.jwt names a different tenant than tenant_id");
        }

        PrincipalBuildResult built;
        using (var span = DecisionTracing.Source.StartActivity("authz.principal"))
        {
            span?.SetTag("authz.tenant_id", request.TenantId);
            built = await principals.GetAsync(request, freshness, cancellationToken).ConfigureAwait(false);
            span?.SetTag("authz.principal.outcome", built.Outcome.ToString());
        }

        if (built.Outcome == PrincipalBuildOutcome.Built && built.Principal is not null)
        {
            return (built, DenyReason.None);
        }

        var reason = built.Outcome == PrincipalBuildOutcome.TenantSuspended ? DenyReason.TenantSuspended : DenyReason.TenantUnknown;
        CoreLog.TenantDenied(logger, requestId, request.TenantId, reason);
        return (built with { Principal = null }, reason);
    }

    private static PdpPrincipal ToPdp(BuiltPrincipal principal) =>
        new(principal.Id, principal.Roles, principal.Attributes, principal.Scope);

    private static PdpResource ToPdp(RequestedResource resource, string scope) =>
        new(resource.Kind, resource.Id, resource.Attributes, resource.PolicyVersion, scope, resource.Actions);

    private static DecisionStamp StampOf(BuiltPrincipal principal, Freshness freshness) =>
        new(principal.TenantId, principal.TenantVersion, principal.Id, principal.PrincipalVersion, principal.PolicyEpoch, freshness.BypassCache);

    /// <summary>Only an explicit ALLOW for the exact action permits; a missing action is a deny.</summary>
    private static Dictionary<string, Effect> EffectsFor(IReadOnlyList<string> actions, ResourceDecision decision)
    {
        var effects = new Dictionary<string, Effect>(actions.Count, StringComparer.Ordinal);
        foreach (var action in actions)
        {
            effects[action] = decision.Actions.TryGetValue(action, out var effect) && effect == Effect.Allow ? Effect.Allow : Effect.Deny;
        }

        return effects;
    }

    private static ResourceOutcome DenyAll(RequestedResource resource, DenyReason reason) =>
        new(resource, resource.Actions.Distinct(StringComparer.Ordinal).ToDictionary(a => a, _ => Effect.Deny, StringComparer.Ordinal),
            reason, DecisionSource.Local, null);
}
