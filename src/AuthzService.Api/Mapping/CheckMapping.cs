using AuthzService.Contracts;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using Grpc.Core;
using V1 = AuthzService.Contracts.V1;

namespace AuthzService.Api.Mapping;

/// <summary>Maps CheckResources between the wire and the domain.</summary>
internal static class CheckMapping
{
    public static CheckQuery ToCommand(V1.CheckResourcesRequest request, DateTime? deadline = null) => new(
        request.RequestId,
        PrincipalOf(request.TenantId, request.PrincipalId, request.TeamId, request.PrincipalContext),
        [.. request.Resources.Select(e => new RequestedResource(
            e.Resource.Kind,
            e.Resource.Id,
            ProtoValues.ToDictionary(e.Resource.Attr),
            e.Resource.PolicyVersion,
            [.. e.Actions]))],
        request.IncludeMeta,
        NullIfEmpty(request.AuxData?.Jwt),
        FreshnessOf(request.Consistency, request.TenantId, request.PrincipalId))
    {
        AuxKeySetId = NullIfEmpty(request.AuxData?.KeySetId),
        Deadline = DeadlineOf(deadline),
    };

    /// <summary>The call's deadline for Core's budgets; <see cref="DateTime.MaxValue"/> (gRPC's "none") is null.</summary>
    public static DateTime? DeadlineOf(DateTime? deadline) => deadline == DateTime.MaxValue ? null : deadline;

    /// <summary>The principal fields checks and plans share; an empty team means tenant-wide.</summary>
    public static RequestedPrincipal PrincipalOf(
        string tenantId, string principalId, string teamId, Google.Protobuf.Collections.MapField<string, Google.Protobuf.WellKnownTypes.Value> context) =>
        new(tenantId, principalId, string.IsNullOrEmpty(teamId) ? null : teamId, ProtoValues.ToDictionary(context));

    public static Freshness FreshnessOf(V1.Consistency? consistency, string tenantId, string principalId)
    {
        switch (consistency?.RequirementCase)
        {
            case V1.Consistency.RequirementOneofCase.FullyConsistent when consistency.FullyConsistent:
                return new Freshness(BypassCache: true);
            case V1.Consistency.RequirementOneofCase.AtLeastAsFresh:
                if (!ConsistencyToken.TryDecode(consistency.AtLeastAsFresh, out var token))
                {
                    // Validation refuses such tokens already; kept so a mapping is never made from one.
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "consistency.at_least_as_fresh: is not a consistency token returned by this service"));
                }

                return token!.FreshnessFor(tenantId, principalId);
            default:
                return Freshness.Default;
        }
    }

    public static V1.CheckResourcesResponse ToResponse(V1.CheckResourcesRequest request, CheckOutcome outcome)
    {
        var response = new V1.CheckResourcesResponse { RequestId = request.RequestId };
        foreach (var result in outcome.Results)
        {
            var entry = new V1.ResourceResult
            {
                Resource = new V1.ResourceRef { Kind = result.Resource.Kind, Id = result.Resource.Id, PolicyVersion = result.Resource.PolicyVersion },
                DenyReason = ToProto(result.DenyReason),
            };
            foreach (var (action, effect) in result.Actions)
            {
                entry.Actions[action] = effect == Effect.Allow ? V1.Effect.Allow : V1.Effect.Deny;
            }

            if (result.Decision is { } decision)
            {
                entry.ValidationErrors.AddRange(decision.ValidationErrors.Select(ToProto));
            }

            if (request.IncludeMeta)
            {
                entry.Meta = MetaOf(result);
            }

            response.Results.Add(entry);
        }

        if (request.IncludeMeta)
        {
            response.Meta = new V1.CheckMeta { Principal = PrincipalView(outcome.Principal), Scope = outcome.Principal?.Scope ?? string.Empty };
        }

        return response;
    }

    public static V1.PrincipalView? PrincipalView(BuiltPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        var view = new V1.PrincipalView
        {
            Id = principal.Id,
            Scope = principal.Scope,
            TenantVersion = principal.TenantVersion,
            PrincipalVersion = principal.PrincipalVersion,
            PolicyEpoch = principal.PolicyEpoch,
        };
        view.Roles.AddRange(principal.Roles);
        ProtoValues.CopyTo(principal.Attributes, view.Attr);
        return view;
    }

    public static V1.SchemaValidationError ToProto(ValidationIssue issue) =>
        new() { Path = issue.Path, Message = issue.Message, Source = issue.Source };

    public static V1.DenyReason ToProto(DenyReason reason) => reason switch
    {
        DenyReason.CrossTenant => V1.DenyReason.CrossTenant,
        DenyReason.TenantSuspended => V1.DenyReason.TenantSuspended,
        DenyReason.TenantUnknown => V1.DenyReason.TenantUnknown,
        _ => V1.DenyReason.Unspecified,
    };

    private static V1.ResultMeta MetaOf(ResourceOutcome result)
    {
        var meta = new V1.ResultMeta
        {
            Source = result.Source switch
            {
                DecisionSource.Cerbos => V1.DecisionSource.Cerbos,
                DecisionSource.CacheL1 => V1.DecisionSource.CacheL1,
                DecisionSource.CacheL2 => V1.DecisionSource.CacheL2,
                _ => V1.DecisionSource.Local,
            },
            CerbosCallId = result.Decision?.CallId ?? string.Empty,
        };
        if (result.Decision is { } decision)
        {
            foreach (var (action, match) in decision.Matches)
            {
                meta.Actions[action] = new V1.ActionMeta { MatchedPolicy = match.MatchedPolicy, MatchedScope = match.MatchedScope };
            }

            meta.EffectiveDerivedRoles.AddRange(decision.EffectiveDerivedRoles);
        }

        return meta;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
