namespace AuthzService.Api.Security;

/// <summary>Carries the authenticated caller on the request, for rate limits, audit and telemetry.</summary>
internal sealed class CallerIdentityFeature(CallerIdentity identity)
{
    public CallerIdentity Identity { get; } = identity;
}
