namespace AuthzService.Core.Principals;

/// <summary>The builder's answer: a principal, or the reason there is none.</summary>
/// <param name="Principal">Non-null exactly when <see cref="Outcome"/> is <see cref="PrincipalBuildOutcome.Built"/>.</param>
public sealed record PrincipalBuildResult(PrincipalBuildOutcome Outcome, BuiltPrincipal? Principal)
{
    public static PrincipalBuildResult TenantUnknown { get; } = new(PrincipalBuildOutcome.TenantUnknown, null);

    public static PrincipalBuildResult TenantSuspended { get; } = new(PrincipalBuildOutcome.TenantSuspended, null);
}
