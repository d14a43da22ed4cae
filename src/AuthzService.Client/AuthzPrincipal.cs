namespace AuthzService.Client;

/// <summary>A principal acting inside one tenant (and optionally one team), with request-time facts.</summary>
/// <param name="TenantId">The tenant the principal acts in.</param>
/// <param name="PrincipalId">The user or service id.</param>
public sealed record AuthzPrincipal(string TenantId, string PrincipalId)
{
    /// <summary>The team the principal acts for, if any (team roles apply only with it).</summary>
    public string? TeamId { get; init; }

    /// <summary>Request-time facts such as <c>mfa</c> or <c>auth_time</c>; policies see them under <c>P.attr.context</c>.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; init; }
}
