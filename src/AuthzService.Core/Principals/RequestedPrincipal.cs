namespace AuthzService.Core.Principals;

/// <summary>Who is asking, as the caller states it.</summary>
/// <param name="TeamId">
/// The team the caller says the principal acts in, or null/"" for tenant-wide only. A claim: it becomes the
/// principal's team context only if the directory holds the principal's membership in that team.
/// </param>
/// <param name="Context">Request-time facts (mfa, auth_time): reach Cerbos as <c>P.attr.context</c> and nothing else.</param>
public sealed record RequestedPrincipal(
    string TenantId,
    string PrincipalId,
    string? TeamId,
    IReadOnlyDictionary<string, object?> Context);
