using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Client;

/// <summary>
/// Where AuthzService is and how to reach it. Bound from the <c>AuthzClient</c> configuration
/// section by <c>services.AddAuthzClient(configuration)</c>.
/// </summary>
public sealed class AuthzClientOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuthzClient";

    /// <summary>The default deadline of every call: an authorization check on a request path must be quick or fail.</summary>
    public static readonly TimeSpan DefaultTimeoutValue = TimeSpan.FromSeconds(2);

    /// <summary>The default number of attempts (first call plus retries on UNAVAILABLE).</summary>
    public const int DefaultRetryAttempts = 3;

    /// <summary>
    /// The service address: <c>http://host:port</c> (h2c, loopback or a mesh sidecar) or
    /// <c>https://host:port</c> (TLS, optionally mutual). Required.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// PEM file with the CA certificate(s) the server certificate must chain to (custom trust: the system store
    /// cannot vouch for the server). Re-read when it changes. Empty: the system trust store.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// PEM file with the client certificate for mutual TLS, intermediates after it (sent with it); needs
    /// <see cref="ClientKeyPath"/>. Both are re-read when they change: new calls use the new certificate.
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM file with the private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>CA certificates set in code; win over <see cref="CaCertificatePath"/>.</summary>
    public X509Certificate2Collection? TrustedCaCertificates { get; set; }

    /// <summary>Client certificate (with private key) set in code; wins over the PEM paths.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Deadline of every call unless the caller sets another one. Default 2 seconds.</summary>
    public TimeSpan DefaultTimeout { get; set; } = DefaultTimeoutValue;

    /// <summary>
    /// Attempts per call, the first included (1 = no retries). Only UNAVAILABLE is retried, never
    /// after the service answered, and never past the deadline. Default 3.
    /// </summary>
    public int RetryAttempts { get; set; } = DefaultRetryAttempts;

    /// <summary>Verify the server certificate (chain and host name). Default true; false is for local development only.</summary>
    public bool VerifyServerCertificate { get; set; } = true;

    /// <summary>
    /// Every problem at once, each naming its configuration key (<c>AuthzClient:Address</c>, ...),
    /// so one failed start-up shows everything to fix.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Uri? address = null;
        if (string.IsNullOrWhiteSpace(Address))
        {
            errors.Add(Key(nameof(Address)) + " is required (e.g. http://127.0.0.1:50051 or https://authz:50051).");
        }
        else if (!Uri.TryCreate(Address, UriKind.Absolute, out address)
            || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
            || address.AbsolutePath != "/" || address.Query.Length > 0)
        {
            errors.Add(Key(nameof(Address)) + $" '{Address}' must be an absolute http:// or https:// URI without a path.");
            address = null;
        }

        var hasTls = !string.IsNullOrWhiteSpace(CaCertificatePath) || !string.IsNullOrWhiteSpace(ClientCertificatePath)
            || TrustedCaCertificates is { Count: > 0 } || ClientCertificate is not null;
        if (address is not null && address.Scheme == Uri.UriSchemeHttp && hasTls)
        {
            // Fail closed: certificates with a plaintext address mean someone expected TLS they would not get.
            errors.Add(Key(nameof(Address)) + $" '{Address}' is plaintext http:// but TLS certificates are configured; use https://.");
        }

        CheckFile(errors, nameof(CaCertificatePath), CaCertificatePath);
        CheckFile(errors, nameof(ClientCertificatePath), ClientCertificatePath);
        CheckFile(errors, nameof(ClientKeyPath), ClientKeyPath);
        if (string.IsNullOrWhiteSpace(ClientCertificatePath) != string.IsNullOrWhiteSpace(ClientKeyPath))
        {
            errors.Add($"{Key(nameof(ClientCertificatePath))} and {Key(nameof(ClientKeyPath))} must be set together.");
        }

        if (ClientCertificate is { HasPrivateKey: false })
        {
            errors.Add(Key(nameof(ClientCertificate)) + " has no private key.");
        }

        if (DefaultTimeout <= TimeSpan.Zero)
        {
            errors.Add(Key(nameof(DefaultTimeout)) + $" must be positive (e.g. 00:00:02), not {DefaultTimeout}.");
        }

        if (RetryAttempts is < 1 or > 10)
        {
            errors.Add(Key(nameof(RetryAttempts)) + $" must be 1 to 10, not {RetryAttempts}.");
        }

        return errors;
    }

    private static string Key(string property) => $"{SectionName}:{property}";

    private static void CheckFile(List<string> errors, string property, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            errors.Add($"{Key(property)} '{path}' does not exist.");
        }
    }
}
