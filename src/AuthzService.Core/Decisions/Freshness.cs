namespace AuthzService.Core.Decisions;

/// <summary>How fresh an answer must be.</summary>
/// <param name="BypassCache">Ask the PDP and re-read the principal, whatever is cached.</param>
/// <param name="MinPrincipalVersion">Read-your-writes: the principal must be at least this version.</param>
/// <param name="MinTenantVersion">Read-your-writes: the tenant must be at least this version.</param>
/// <param name="MinPolicyEpoch">Read-your-writes: the policy epoch must be at least this.</param>
public sealed record Freshness(bool BypassCache, long MinPrincipalVersion = 0, long MinTenantVersion = 0, long MinPolicyEpoch = 0)
{
    public static Freshness Default { get; } = new(false);
}
