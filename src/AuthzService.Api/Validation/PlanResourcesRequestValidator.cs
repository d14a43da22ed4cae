using AuthzService.Contracts.V1;
using AuthzService.Core.Tenancy;
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
    }
}
