using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class ListTenantsRequestValidator : AbstractValidator<ListTenantsRequest>
{
    public ListTenantsRequestValidator()
    {
        RuleFor(x => x.PageSize).InclusiveBetween(0, RequestLimits.MaxPageSize)
            .WithMessage($"must be 0 (default) to {RequestLimits.MaxPageSize}").OverridePropertyName("page_size");
        RuleFor(x => x.PageToken).MaximumLength(1024).WithMessage("is too long").OverridePropertyName("page_token");
    }
}
