using System.Text;
using AuthzService.Api.Mapping;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Google.Protobuf;
using Grpc.Core;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// CheckResources as the gRPC stack receives it: protobuf bytes parsed by the generated parser, the request
/// validator (through <see cref="RequestValidation.ThrowIfInvalid{T}"/>, as the validation interceptor runs it), then
/// the mapping to the domain query and the decision cache key of each resource. Contract: <see cref="InvalidProtocolBufferException"/> (not a message) or an
/// INVALID_ARGUMENT <see cref="RpcException"/> naming fields; a request the validator passes maps without an
/// exception into a command that carries exactly the request's tenant, principal and resources.
/// </summary>
internal sealed class CheckResourcesTarget : FuzzTarget
{
    private static readonly CheckResourcesRequestValidator s_validator = new();

    public override string Name => "check-resources";

    public override string Description => "CheckResourcesRequest protobuf bytes -> parser -> CheckResourcesRequestValidator -> CheckMapping.ToCommand -> DecisionCacheKey.For";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[] { "ct1.", "acme", "tenant_id", "\u202e", "\u0000", "eyJ0ZW5hbnRfaWQiOiJhY21lIn0" }.Select(Encoding.UTF8.GetBytes),
        [0x7f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // tag bytes and a NaN-ish double tail
        [0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x7f], // Value.number_value = +Infinity
        [0xff, 0xff, 0xff, 0xff, 0x0f], // a 32-bit varint of -1 (length)
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        CheckResourcesRequest request;
        try
        {
            request = CheckResourcesRequest.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }

        try
        {
            s_validator.ThrowIfInvalid(request);
        }
        catch (RpcException ex)
        {
            FuzzTargets.Require(ex.StatusCode == StatusCode.InvalidArgument && ex.Status.Detail.Contains(':', StringComparison.Ordinal),
                $"validation failed with {ex.StatusCode} '{ex.Status.Detail}', not INVALID_ARGUMENT naming a field");
            return;
        }

        var command = CheckMapping.ToCommand(request);
        FuzzTargets.Require(
            command.Principal.TenantId == request.TenantId && command.Principal.PrincipalId == request.PrincipalId,
            "the command names another tenant or principal than the request");
        FuzzTargets.Require(command.Resources.Count == request.Resources.Count, "the command lost or added resources");
        for (var i = 0; i < command.Resources.Count; i++)
        {
            var (mapped, asked) = (command.Resources[i], request.Resources[i]);
            FuzzTargets.Require(
                mapped.Kind == asked.Resource.Kind && mapped.Id == asked.Resource.Id && mapped.Actions.SequenceEqual(asked.Actions),
                $"resource {i} was mapped to another kind, id or actions");
        }

        // The decision cache key of every resource (the canonical hashing of hostile attribute trees): total and pure.
        var stamp = new DecisionStamp(command.Principal.TenantId, 1, command.Principal.PrincipalId, 1, 1);
        var principal = new PdpPrincipal(command.Principal.PrincipalId, ["member"], new Dictionary<string, object?> { ["context"] = command.Principal.Context }, "acme");
        foreach (var resource in command.Resources)
        {
            var pdp = new PdpResource(resource.Kind, resource.Id, resource.Attributes, resource.PolicyVersion, "acme", resource.Actions);
            var key = DecisionCacheKey.For("authz:", "rev", stamp, principal, pdp, command.AuxJwt, command.AuxKeySetId);
            FuzzTargets.Require(key == DecisionCacheKey.For("authz:", "rev", stamp, principal, pdp with { }, command.AuxJwt, command.AuxKeySetId),
                "the decision cache key is not a function of its inputs");
        }

        // A token the validator accepted is one this service issued, read as it was written.
        if (request.Consistency?.RequirementCase == Consistency.RequirementOneofCase.AtLeastAsFresh)
        {
            FuzzTargets.Require(command.Freshness.MinPolicyEpoch >= 0 && !command.Freshness.BypassCache, "a consistency token mapped to an odd freshness");
        }
    }
}
