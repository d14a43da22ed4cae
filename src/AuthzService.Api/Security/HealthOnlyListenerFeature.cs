namespace AuthzService.Api.Security;

/// <summary>Marks connections accepted on the plaintext health listener (set by a connection middleware).</summary>
internal sealed class HealthOnlyListenerFeature
{
    public static readonly HealthOnlyListenerFeature Instance = new();
}
