using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class GetTenantRequestValidator : AbstractValidator<GetTenantRequest>
{
    public GetTenantRequestValidator() =>
        RuleFor(x => x.TenantId).ValidId().OverridePropertyName("tenant_id");
}
