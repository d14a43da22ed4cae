using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class InvalidateRequestValidator : AbstractValidator<InvalidateRequest>
{
    public InvalidateRequestValidator()
    {
        RuleFor(x => x.ScopeCase).NotEqual(InvalidateRequest.ScopeOneofCase.None)
            .WithMessage("one of principal, tenant or policies is required").OverridePropertyName("scope");
        When(x => x.ScopeCase == InvalidateRequest.ScopeOneofCase.Principal, () =>
        {
            RuleFor(x => x.Principal.TenantId).ValidId().OverridePropertyName("principal.tenant_id");
            RuleFor(x => x.Principal.PrincipalId).ValidId().OverridePropertyName("principal.principal_id");
        });
        When(x => x.ScopeCase == InvalidateRequest.ScopeOneofCase.Tenant, () =>
            RuleFor(x => x.Tenant.TenantId).ValidId().OverridePropertyName("tenant.tenant_id"));
    }
}
