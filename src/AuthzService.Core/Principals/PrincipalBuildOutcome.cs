namespace AuthzService.Core.Principals;

/// <summary>Whether a principal could be built; anything but <see cref="Built"/> means deny everything without Cerbos.</summary>
public enum PrincipalBuildOutcome
{
    Built = 0,
    TenantUnknown = 1,
    TenantSuspended = 2,
}
