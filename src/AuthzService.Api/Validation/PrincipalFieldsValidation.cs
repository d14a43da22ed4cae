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
}
