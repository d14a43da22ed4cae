namespace AuthzService.Testing;

/// <summary>How a <see cref="CerbosServer"/> is started.</summary>
public sealed class CerbosServerOptions
{
    /// <summary>Policy directory; null means the repository's <c>cerbos-policies/</c>.</summary>
    public string? PolicyDirectory { get; init; }

    /// <summary>
    /// Cerbos watches <see cref="PolicyDirectory"/> and reloads what changes (<c>storage.disk.watchForChanges</c>),
    /// as it would after a git pull.
    /// </summary>
    public bool WatchForChanges { get; init; }

    /// <summary>
    /// A git repository URL (e.g. <c>file:///tmp/repo</c>) Cerbos clones and polls every
    /// <see cref="GitPollInterval"/> (<c>storage.driver: git</c>, branch <c>main</c>, policies under
    /// <see cref="GitSubDirectory"/>), as the chart's <c>cerbos.policies.source: git</c> does; overrides
    /// <see cref="PolicyDirectory"/>.
    /// </summary>
    public Uri? GitRepository { get; init; }

    public string GitSubDirectory { get; init; } = "cerbos-policies";

    public TimeSpan GitPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public CerbosServerCertificate ServerCertificate { get; init; } = CerbosServerCertificate.Valid;

    /// <summary>
    /// A local JWKS file; when set, Cerbos verifies <c>aux_data.jwt</c> against it (key set id <c>test</c>).
    /// Without it Cerbos has no key set and rejects every aux_data JWT as invalid.
    /// </summary>
    public string? JwksPath { get; init; }

    /// <summary>How long to wait for <c>/_cerbos/health</c> to answer before failing with the Cerbos log.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
