using System.Security.Cryptography.X509Certificates;
using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>
/// Start-up checks of everything that decides who may call: TLS on the gRPC listener (or an explicit,
/// local-only plaintext exception), readable certificate files, a usable caller CA and a well-formed
/// allow-list. All problems are reported at once, each naming its key.
/// </summary>
internal sealed class AuthOptionsValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = AuthOptions.SectionName;
        var listeners = ListenerSettings.From(configuration);
        if (string.IsNullOrWhiteSpace(listeners.GrpcUrl))
        {
            errors.Add(ListenerSettings.GrpcUrlKey, "is required, e.g. https://0.0.0.0:50051");
        }
        else if (listeners.GrpcIsTls)
        {
            errors.RequireReadableFile(ListenerSettings.CertificatePathKey, listeners.CertificatePath);
            errors.RequireReadableFile(ListenerSettings.KeyPathKey, listeners.KeyPath);
            CheckServerCertificate(errors, listeners);
            CheckCallerCa(errors, options.CallerCaCertificate);
            if (options.Callers.Count == 0)
            {
                errors.Add($"{S}:Callers", "must list at least one caller identity with the services it may call; nobody could call otherwise");
            }
        }
        else if (!options.AllowPlaintext)
        {
            errors.Add(
                $"{S}:AllowPlaintext",
                $"the gRPC listener '{listeners.GrpcUrl}' is plaintext: use https with a certificate, or set {S}:AllowPlaintext=true (loopback or Development only)");
        }
        else if (!listeners.GrpcIsLoopback && !environment.IsDevelopment())
        {
            errors.Add(
                $"{S}:AllowPlaintext",
                $"plaintext is allowed only on a loopback address or in Development; '{listeners.GrpcUrl}' is neither");
        }

        CheckHttpListener(errors, listeners, options);

        if (listeners.HealthUrl is { Length: > 0 } health && !Uri.TryCreate(health.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            errors.Add(ListenerSettings.HealthUrlKey, $"must be a URL such as http://0.0.0.0:8081 (got '{health}')");
        }

        if (options.CertificateReloadInterval < TimeSpan.FromMilliseconds(100) || options.CertificateReloadInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:CertificateReloadInterval", "must be between 100 ms and 10 minutes");
        }

        for (var i = 0; i < options.Callers.Count; i++)
        {
            CheckCaller(errors, $"{S}:Callers:{i}", options.Callers[i]);
        }

        return errors.ToResult();
    }

    /// <summary>
    /// The AuthZEN listener shares the gRPC listener's certificate, caller CA and allow-list, so TLS there needs TLS
    /// on gRPC; plaintext there follows the gRPC rule (Auth:AllowPlaintext, loopback or Development).
    /// </summary>
    private void CheckHttpListener(ConfigurationErrors errors, ListenerSettings listeners, AuthOptions options)
    {
        if (!listeners.HasHttp)
        {
            return;
        }

        if (!Uri.TryCreate(listeners.HttpUrl!.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            errors.Add(ListenerSettings.HttpUrlKey, $"must be a URL such as https://0.0.0.0:8443 (got '{listeners.HttpUrl}')");
        }
        else if (listeners.HttpIsTls)
        {
            if (!listeners.GrpcIsTls)
            {
                errors.Add(ListenerSettings.HttpUrlKey, $"https needs the gRPC listener on https too: both use {ListenerSettings.CertificatePathKey} and {AuthOptions.SectionName}:CallerCaCertificate");
            }
        }
        else if (!options.AllowPlaintext)
        {
            errors.Add(
                $"{AuthOptions.SectionName}:AllowPlaintext",
                $"the AuthZEN listener '{listeners.HttpUrl}' is plaintext: use https (with the gRPC listener's certificate), or set {AuthOptions.SectionName}:AllowPlaintext=true (loopback or Development only)");
        }
        else if (!listeners.HttpIsLoopback && !environment.IsDevelopment())
        {
            errors.Add(
                $"{AuthOptions.SectionName}:AllowPlaintext",
                $"plaintext is allowed only on a loopback address or in Development; the AuthZEN listener '{listeners.HttpUrl}' is neither");
        }
    }

    // Readable is not enough: a certificate that does not match its key would only fail at the first handshake.
    private static void CheckServerCertificate(ConfigurationErrors errors, ListenerSettings listeners)
    {
        if (!File.Exists(listeners.CertificatePath) || !File.Exists(listeners.KeyPath))
        {
            return;
        }

        try
        {
            ServerCertificateSource.Load(listeners.CertificatePath!, listeners.KeyPath!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            errors.Add(ListenerSettings.CertificatePathKey, $"cannot load the certificate with its key ({ListenerSettings.KeyPathKey}): {ex.GetType().Name}");
        }
    }

    private static void CheckCallerCa(ConfigurationErrors errors, string? path)
    {
        const string key = $"{AuthOptions.SectionName}:CallerCaCertificate";
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add(key, "is required with an https gRPC listener: caller certificates are verified against it");
            return;
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                errors.Add(key, $"'{path}' holds no PEM certificate");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            errors.Add(key, $"cannot read certificates from '{path}': {ex.GetType().Name}");
        }
    }

    private static void CheckCaller(ConfigurationErrors errors, string prefix, CallerRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Identity))
        {
            errors.Add($"{prefix}:Identity", "is required (a URI SAN such as spiffe://cluster.local/ns/app/sa/web, or a DNS name)");
        }
        else if (!IsIdentity(rule.Identity))
        {
            errors.Add($"{prefix}:Identity", $"'{rule.Identity}' is neither an absolute URI nor a DNS name");
        }

        if (rule.Services.Count == 0 && rule.Methods.Count == 0)
        {
            errors.Add($"{prefix}:Services", "must name at least one service (or Methods at least one method)");
        }

        for (var j = 0; j < rule.Services.Count; j++)
        {
            if (!IsServiceName(rule.Services[j]))
            {
                errors.Add($"{prefix}:Services:{j}", $"'{rule.Services[j]}' is not a full gRPC service name such as authz.v1.AuthorizationService");
            }
        }

        for (var j = 0; j < rule.Methods.Count; j++)
        {
            var method = rule.Methods[j].Trim().TrimStart('/');
            var slash = method.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !IsServiceName(method[..slash]) || !IsIdentifier(method[(slash + 1)..]))
            {
                errors.Add($"{prefix}:Methods:{j}", $"'{rule.Methods[j]}' is not a full method name such as authz.v1.MembershipService/GetTenant");
            }
        }

        for (var j = 0; j < rule.Tenants.Count; j++)
        {
            if (TenantPatterns.Problem(rule.Tenants[j]) is { } problem)
            {
                errors.Add($"{prefix}:Tenants:{j}", problem);
            }
        }
    }

    internal static bool IsIdentity(string identity) =>
        identity.Contains("://", StringComparison.Ordinal)
            ? Uri.TryCreate(identity, UriKind.Absolute, out _)
            : Uri.CheckHostName(identity) == UriHostNameType.Dns;

    private static bool IsServiceName(string name) =>
        name.Contains('.', StringComparison.Ordinal) && name.Split('.').All(IsIdentifier);

    private static bool IsIdentifier(string part) =>
        part.Length > 0 && (char.IsAsciiLetter(part[0]) || part[0] == '_') && part.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
