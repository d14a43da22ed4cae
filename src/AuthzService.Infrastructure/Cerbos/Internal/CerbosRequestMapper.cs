using AuthzService.Contracts;
using AuthzService.Core.Decisions;
using Cerbos.Api.V1.Engine;
using Cerbos.Api.V1.Request;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Builds Cerbos requests from the PDP port's requests.</summary>
internal static class CerbosRequestMapper
{
    public static CheckResourcesRequest ToCheck(PdpCheckRequest request)
    {
        var result = new CheckResourcesRequest
        {
            RequestId = request.RequestId,
            // Always: the audit trail records the matched policy of every decision (and a cached decision
            // may later answer a caller who asks for meta). The response to the caller still honours its flag.
            IncludeMeta = true,
            Principal = ToPrincipal(request.Principal),
            AuxData = ToAuxData(request.AuxJwt, request.AuxKeySetId),
        };

        foreach (var resource in request.Resources)
        {
            var entry = new CheckResourcesRequest.Types.ResourceEntry
            {
                Resource = new Resource
                {
                    Kind = resource.Kind,
                    Id = resource.Id,
                    PolicyVersion = resource.PolicyVersion,
                    Scope = resource.Scope,
                },
            };
            entry.Actions.AddRange(resource.Actions);
            ProtoValues.CopyTo(resource.Attributes, entry.Resource.Attr);
            result.Resources.Add(entry);
        }

        return result;
    }

    public static PlanResourcesRequest ToPlan(PdpPlanRequest request)
    {
        var result = new PlanResourcesRequest
        {
            RequestId = request.RequestId,
            IncludeMeta = request.IncludeMeta,
            Principal = ToPrincipal(request.Principal),
            Resource = new PlanResourcesInput.Types.Resource
            {
                Kind = request.Kind,
                PolicyVersion = request.PolicyVersion,
                Scope = request.Scope,
            },
            AuxData = ToAuxData(request.AuxJwt, request.AuxKeySetId),
        };
        // `actions` (7), not the deprecated single `action` (2).
        result.Actions.AddRange(request.Actions);
        ProtoValues.CopyTo(request.Attributes, result.Resource.Attr);
        return result;
    }

    private static Principal ToPrincipal(PdpPrincipal principal)
    {
        var result = new Principal
        {
            Id = principal.Id,
            PolicyVersion = principal.PolicyVersion,
            Scope = principal.Scope,
        };
        result.Roles.AddRange(principal.Roles);
        ProtoValues.CopyTo(principal.Attributes, result.Attr);
        return result;
    }

    // The key set id travels with its token (validation refuses one without the other).
    private static AuxData? ToAuxData(string? jwt, string? keySetId) =>
        string.IsNullOrEmpty(jwt) ? null : new AuxData { Jwt = new AuxData.Types.JWT { Token = jwt, KeySetId = keySetId ?? string.Empty } };
}
