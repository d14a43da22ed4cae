using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class ListMembershipsRequestValidator : AbstractValidator<ListMembershipsRequest>
{
    public ListMembershipsRequestValidator()
    {
        RuleFor(x => x.TenantId).ValidId().OverridePropertyName("tenant_id");
        RuleFor(x => x.PrincipalId).OptionalId().OverridePropertyName("principal_id");
        RuleFor(x => x.PageSize).InclusiveBetween(0, RequestLimits.MaxPageSize)
            .WithMessage($"must be 0 (default) to {RequestLimits.MaxPageSize}").OverridePropertyName("page_size");
        RuleFor(x => x.PageToken).MaximumLength(1024).WithMessage("is too long").OverridePropertyName("page_token");
    }
}
