using AuthzService.Contracts.V1;
using AuthzService.Core.Tenancy;
using FluentValidation;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Validation;

/// <summary>The principal fields CheckResources and PlanResources share.</summary>
internal static class PrincipalFieldsValidation
{
    public static void AddPrincipalRules<T>(
        this AbstractValidator<T> validator,
        Func<T, string> requestId,
        Func<T, string> tenantId,
        Func<T, string> teamId,
        Func<T, string> principalId,
        Func<T, MapField<string, Value>> context)
    {
        validator.RuleFor(x => requestId(x)).OptionalId().OverridePropertyName("request_id");
        validator.RuleFor(x => tenantId(x)).ValidId().OverridePropertyName("tenant_id");
        validator.RuleFor(x => teamId(x)).OptionalId().OverridePropertyName("team_id");
        validator.RuleFor(x => principalId(x)).ValidId().OverridePropertyName("principal_id");
        validator.RuleFor(x => context(x)).BoundedAttributes().OverridePropertyName("principal_context");
    }

    /// <summary>
    /// <c>aux_data.jwt</c>: bounded, and a JWT we can read the tenant claims of. <c>aux_data.key_set_id</c>
    /// (the Cerbos key set to verify the token with; passed to Cerbos): an id, and only with a token.
    /// </summary>
    public static void AddAuxDataRules<T>(this AbstractValidator<T> validator, Func<T, AuxData?> auxData)
    {
        validator.RuleFor(x => auxData(x)!.Jwt.Length)
            .LessThanOrEqualTo(RequestLimits.MaxJwtLength)
            .WithMessage($"must be at most {RequestLimits.MaxJwtLength} characters")
            .When(x => auxData(x) is not null)
            .OverridePropertyName("aux_data.jwt");
        validator.RuleFor(x => auxData(x)!.Jwt)
            .Must(jwt => JwtTenantClaim.TryReadTenants(jwt, out _))
            .WithMessage("is not a JWT (header.payload.signature with a JSON object payload: unique claim names, valid Unicode text)")
            .When(x => auxData(x) is { Jwt.Length: > 0 and <= RequestLimits.MaxJwtLength })
            .OverridePropertyName("aux_data.jwt");
        validator.RuleFor(x => auxData(x)!.KeySetId)
            .Must(id => RuleExtensions.BeValidIdText(id))
            .WithMessage(RuleExtensions.IdTextRule)
            .When(x => auxData(x) is { KeySetId.Length: > 0 })
            .OverridePropertyName("aux_data.key_set_id");
        validator.RuleFor(x => auxData(x)!.KeySetId)
            .Empty()
            .WithMessage("requires aux_data.jwt (a key set verifies a token; without one it would be ignored)")
            .When(x => auxData(x) is { Jwt.Length: 0 })
            .OverridePropertyName("aux_data.key_set_id");
    }
}
