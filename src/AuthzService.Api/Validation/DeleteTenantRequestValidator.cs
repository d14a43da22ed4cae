using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class DeleteTenantRequestValidator : AbstractValidator<DeleteTenantRequest>
{
    public DeleteTenantRequestValidator() =>
        RuleFor(x => x.TenantId).ValidId().OverridePropertyName("tenant_id");
}
