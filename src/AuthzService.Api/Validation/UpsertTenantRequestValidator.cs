using System.Text.RegularExpressions;
using AuthzService.Contracts.V1;
using FluentValidation;

namespace AuthzService.Api.Validation;

internal sealed partial class UpsertTenantRequestValidator : AbstractValidator<UpsertTenantRequest>
{
    public UpsertTenantRequestValidator()
    {
        RuleFor(x => x.Tenant).NotNull().WithMessage("is required").OverridePropertyName("tenant");
        When(x => x.Tenant is not null, () =>
        {
            RuleFor(x => x.Tenant.Id).ValidId().OverridePropertyName("tenant.id");
            RuleFor(x => x.Tenant.DisplayName)
                .Must(v => v.Length <= RequestLimits.MaxDisplayNameLength && !v.Any(char.IsControl))
                .WithMessage($"must be at most {RequestLimits.MaxDisplayNameLength} characters with no control characters")
                .OverridePropertyName("tenant.display_name");
            RuleFor(x => x.Tenant.CerbosScope)
                .Must(v => v.Length == 0 || (v.Length <= RequestLimits.MaxIdLength && ScopePattern().IsMatch(v)))
                .WithMessage("must be dot-separated segments of [A-Za-z0-9_-], at most 128 characters")
                .OverridePropertyName("tenant.cerbos_scope");
            RuleFor(x => x.Tenant.Status).IsInEnum().WithMessage("is not a known status").OverridePropertyName("tenant.status");
            RuleFor(x => x.Tenant.Tier)
                .Must(v => v.Length == 0 || Tiers.Contains(v))
                .WithMessage("must be one of free, pro, enterprise (empty means free)")
                .OverridePropertyName("tenant.tier");
        });
    }

    // Cerbos scope syntax: segments of [A-Za-z0-9_-] joined by dots.
    [GeneratedRegex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex ScopePattern();

    /// <summary>The tiers the principal schema (cerbos-policies/_schemas/principal.json) accepts.</summary>
    public static readonly IReadOnlySet<string> Tiers = new HashSet<string>(StringComparer.Ordinal) { "free", "pro", "enterprise" };
}
