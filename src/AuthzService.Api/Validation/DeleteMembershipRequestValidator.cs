using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class DeleteMembershipRequestValidator : AbstractValidator<DeleteMembershipRequest>
{
    public DeleteMembershipRequestValidator()
    {
        RuleFor(x => x.TenantId).ValidId().OverridePropertyName("tenant_id");
        RuleFor(x => x.PrincipalId).ValidId().OverridePropertyName("principal_id");
        RuleFor(x => x.TeamId).OptionalId().OverridePropertyName("team_id");
    }
}
