namespace AuthzService.Api.Security;

/// <summary>Who may call the gRPC API (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>PEM bundle the callers' client certificates must chain to; re-read when the file changes.</summary>
    public string? CallerCaCertificate { get; set; }

    /// <summary>The allow-list: each identity with the services (or single methods) it may call.</summary>
    public IList<CallerRule> Callers { get; } = [];

    /// <summary>
    /// Allows a plaintext (h2c) gRPC listener, where callers cannot be identified; only honoured on a
    /// loopback address or in Development.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>How often certificate files (server, caller CA) are checked for changes (on use, at most this often).</summary>
    public TimeSpan CertificateReloadInterval { get; set; } = TimeSpan.FromSeconds(1);
}
