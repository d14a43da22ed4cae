using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class CheckResourcesRequestValidator : AbstractValidator<CheckResourcesRequest>
{
    public CheckResourcesRequestValidator()
    {
        this.AddPrincipalRules(x => x.RequestId, x => x.TenantId, x => x.TeamId, x => x.PrincipalId, x => x.PrincipalContext);
        RuleFor(x => x.Resources.Count)
            .InclusiveBetween(1, RequestLimits.MaxResources)
            .WithMessage($"must have 1 to {RequestLimits.MaxResources} entries")
            .OverridePropertyName("resources");
        RuleForEach(x => x.Resources).SetValidator(new ResourceEntryValidator()).OverridePropertyName("resources");
        this.AddAuxDataRules(x => x.AuxData);
        RuleFor(x => x.Consistency.AtLeastAsFresh)
            .Must(token => ConsistencyTokenFormat.IsWellFormed(token) && ConsistencyToken.TryDecode(token, out _))
            .WithMessage("is not a consistency token returned by this service")
            .When(x => x.Consistency?.RequirementCase == Consistency.RequirementOneofCase.AtLeastAsFresh)
            .OverridePropertyName("consistency.at_least_as_fresh");
    }
}
