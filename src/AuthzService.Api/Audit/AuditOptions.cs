namespace AuthzService.Api.Audit;

/// <summary>The audit trail (section <c>Audit</c>; events go to the logger category <see cref="AuditTrail.Category"/>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Fraction (0..1) of ALLOW decision events written; DENY events are always written.</summary>
    public double AllowSampleRate { get; set; } = 1.0;

    /// <summary>
    /// principal_context keys whose values are redacted in audit events: a key matches when it contains
    /// any of these, case-insensitively (so <c>token</c> also covers <c>access_token</c>). Empty: the
    /// <see cref="DefaultSecretContextKeys"/>; a configured list replaces them.
    /// </summary>
    public IList<string> SecretContextKeys { get; } = [];

    public static IReadOnlyList<string> DefaultSecretContextKeys { get; } =
        ["password", "passwd", "secret", "token", "jwt", "bearer", "api_key", "apikey", "credential", "private_key", "authorization", "cookie", "session"];

    /// <summary>The markers in force.</summary>
    public IReadOnlyList<string> EffectiveSecretContextKeys => SecretContextKeys.Count > 0 ? [.. SecretContextKeys] : DefaultSecretContextKeys;
}
