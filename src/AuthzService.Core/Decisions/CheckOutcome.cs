using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

/// <summary>Results in request order, with the principal as built (null when the tenant is unknown or suspended).</summary>
public sealed record CheckOutcome(
    IReadOnlyList<ResourceOutcome> Results,
    BuiltPrincipal? Principal,
    PrincipalBuildOutcome PrincipalOutcome);
