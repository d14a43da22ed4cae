using System.Security.Cryptography.X509Certificates;
using AuthzService.Tls;
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
            [path], () => PemCertificates.LoadBundle(path), value.CertificateReloadInterval, logger);
    }

    /// <summary>The trusted caller CAs; empty when none is configured (then no certificate is accepted).</summary>
    public X509Certificate2Collection Current => _source?.Current ?? [];
}
