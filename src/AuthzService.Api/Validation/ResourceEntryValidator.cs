using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class ResourceEntryValidator : AbstractValidator<ResourceEntry>
{
    public ResourceEntryValidator()
    {
        RuleFor(x => x.Resource).NotNull().WithMessage("is required").OverridePropertyName("resource");
        When(x => x.Resource is not null, () =>
        {
            RuleFor(x => x.Resource.Kind).ValidId().OverridePropertyName("resource.kind");
            RuleFor(x => x.Resource.Id).ValidId().OverridePropertyName("resource.id");
            RuleFor(x => x.Resource.PolicyVersion).PolicyVersion().OverridePropertyName("resource.policy_version");
            RuleFor(x => x.Resource.Attr).BoundedAttributes().OverridePropertyName("resource.attr");
        });
        RuleFor(x => x.Actions).IdList(1, RequestLimits.MaxActions).OverridePropertyName("actions");
    }
}
