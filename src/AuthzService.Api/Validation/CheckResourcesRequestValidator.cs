using AuthzService.Contracts.V1;
using AuthzService.Core.Tenancy;
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
        RuleFor(x => x.AuxData.Jwt.Length)
            .LessThanOrEqualTo(RequestLimits.MaxJwtLength)
            .WithMessage($"must be at most {RequestLimits.MaxJwtLength} characters")
            .When(x => x.AuxData is not null)
            .OverridePropertyName("aux_data.jwt");
        RuleFor(x => x.AuxData.Jwt)
            .Must(jwt => JwtTenantClaim.TryReadTenants(jwt, out _))
            .WithMessage("is not a JWT (header.payload.signature with a JSON payload)")
            .When(x => x.AuxData is { Jwt.Length: > 0 and <= RequestLimits.MaxJwtLength })
            .OverridePropertyName("aux_data.jwt");
        RuleFor(x => x.Consistency.AtLeastAsFresh)
            .Must(ConsistencyTokenFormat.IsWellFormed)
            .WithMessage("is not a consistency token returned by this service")
            .When(x => x.Consistency?.RequirementCase == Consistency.RequirementOneofCase.AtLeastAsFresh)
            .OverridePropertyName("consistency.at_least_as_fresh");
    }
}
