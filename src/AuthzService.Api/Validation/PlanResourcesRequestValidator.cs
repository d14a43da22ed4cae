using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class PlanResourcesRequestValidator : AbstractValidator<PlanResourcesRequest>
{
    public PlanResourcesRequestValidator()
    {
        this.AddPrincipalRules(x => x.RequestId, x => x.TenantId, x => x.TeamId, x => x.PrincipalId, x => x.PrincipalContext);
        RuleFor(x => x.Resource).NotNull().WithMessage("is required").OverridePropertyName("resource");
        When(x => x.Resource is not null, () =>
        {
            RuleFor(x => x.Resource.Kind).ValidId().OverridePropertyName("resource.kind");
            RuleFor(x => x.Resource.PolicyVersion).PolicyVersion().OverridePropertyName("resource.policy_version");
            RuleFor(x => x.Resource.Attr).BoundedAttributes().OverridePropertyName("resource.attr");
        });
        RuleFor(x => x.Actions).IdList(1, RequestLimits.MaxActions).OverridePropertyName("actions");
        this.AddAuxDataRules(x => x.AuxData);
    }
}
