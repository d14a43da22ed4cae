using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>The caller CA bundle (<see cref="AuthOptions.CallerCaCertificate"/>), re-read when the file changes.</summary>
internal sealed class CallerCaSource
{
    private readonly ReloadingPemSource<X509Certificate2Collection>? _source;

    public CallerCaSource(IOptions<AuthOptions> options, ILogger<CallerCaSource> logger)
    {
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.CallerCaCertificate))
        {
            return;
        }

        var path = value.CallerCaCertificate;
        _source = new ReloadingPemSource<X509Certificate2Collection>(
            [path], () => Load(path), value.CertificateReloadInterval,
            (paths, error) => Report(logger, paths, error));
    }

    /// <summary>The trusted caller CAs; empty when none is configured (then no certificate is accepted).</summary>
    public X509Certificate2Collection Current => _source?.Current ?? [];

    internal static X509Certificate2Collection Load(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no PEM certificate.");
        }

        return certificates;
    }

    internal static void Report(ILogger logger, string paths, Exception? error)
    {
        if (error is null)
        {
            SecurityLog.TlsMaterialReloaded(logger, paths);
        }
        else
        {
            SecurityLog.TlsMaterialReloadFailed(logger, paths, error);
        }
    }
}
