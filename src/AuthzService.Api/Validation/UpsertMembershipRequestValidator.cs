using AuthzService.Contracts.V1;
using AuthzService.Core.Principals;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed class UpsertMembershipRequestValidator : AbstractValidator<UpsertMembershipRequest>
{
    /// <summary>Attribute keys AuthzService sets itself; a membership may not shadow them.</summary>
    public static readonly IReadOnlySet<string> ReservedAttributeKeys =
        new HashSet<string>(StringComparer.Ordinal) { "tenant_id", "team_id", "tenant_tier", "tenant_status", "context" };

    public UpsertMembershipRequestValidator()
    {
        RuleFor(x => x.Membership).NotNull().WithMessage("is required").OverridePropertyName("membership");
        When(x => x.Membership is not null, () =>
        {
            RuleFor(x => x.Membership.TenantId).ValidId().OverridePropertyName("membership.tenant_id");
            RuleFor(x => x.Membership.PrincipalId).ValidId().OverridePropertyName("membership.principal_id");
            RuleFor(x => x.Membership.TeamId).OptionalId().OverridePropertyName("membership.team_id");
            RuleFor(x => x.Membership.Roles).IdList(0, RequestLimits.MaxRoles).OverridePropertyName("membership.roles");
            // Team roles are paired with P.attr.team_id by the policies; on a tenant-wide membership they would
            // mean "this role in whatever team is named" (the principal builder ignores them there as well).
            RuleFor(x => x.Membership.Roles)
                .Must(roles => !roles.Any(PrincipalAttributeKeys.IsTeamRole))
                .When(x => string.IsNullOrEmpty(x.Membership.TeamId))
                .WithMessage(x => $"{string.Join(", ", x.Membership.Roles.Where(PrincipalAttributeKeys.IsTeamRole))}: " +
                    $"team roles ({PrincipalAttributeKeys.TeamRolePrefix}*) need membership.team_id; a tenant-wide membership cannot hold them")
                .OverridePropertyName("membership.roles");
            RuleFor(x => x.Membership.Attr).BoundedAttributes().OverridePropertyName("membership.attr");
            RuleFor(x => x.Membership.Attr.Keys)
                .Must(keys => !keys.Any(ReservedAttributeKeys.Contains))
                .WithMessage("must not use reserved keys (tenant_id, team_id, tenant_tier, tenant_status, context)")
                .OverridePropertyName("membership.attr");
        });
    }
}
