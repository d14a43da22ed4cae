using System.Net;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Tls;
using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// Reads <c>/_cerbos/metrics</c> from Cerbos's HTTP listener with the same TLS as the gRPC channel
/// (<see cref="TlsClientHandler"/>: Cerbos's CA as the only trust, our client certificate, both re-read when
/// their files change). HTTP/2 over TLS; plain HTTP (Development only) is HTTP/1.1.
/// </summary>
internal sealed class CerbosMetricsReader : ICerbosMetricsReader, IDisposable
{
    // Cerbos's page is tens of KiB; a larger one is refused (a reading failure), not buffered.
    private const int MaxMetricsBytes = 4 * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly Uri _metrics;

    public CerbosMetricsReader(CerbosOptions options, ILogger logger)
    {
        var address = options.PolicyWatch.Address ?? throw new InvalidOperationException("Cerbos:PolicyWatch:Address is not set.");
        _metrics = new Uri(address, "/_cerbos/metrics");
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            var tls = options.Tls;
            Func<X509Certificate2Collection>? trusted = null;
            Func<TlsIdentity>? identity = null;
            if (tls.CaCertificate is { Length: > 0 } ca)
            {
                var source = new ReloadingPemSource<X509Certificate2Collection>([ca], () => PemCertificates.LoadBundle(ca), CerbosChannelFactory.ReloadInterval, logger);
                trusted = () => source.Current;
            }

            if (tls.ClientCertificate is { Length: > 0 } cert && tls.ClientKey is { Length: > 0 } key)
            {
                var source = new ReloadingPemSource<TlsIdentity>([cert, key], () => TlsIdentity.FromPemFiles(cert, key), CerbosChannelFactory.ReloadInterval, logger);
                identity = () => source.Current;
            }

            var handler = new TlsClientHandler(address, new TlsClientOptions
            {
                TrustedCas = trusted,
                ClientIdentity = identity,
                VerifyServerCertificate = tls.Verify,
                ConnectTimeout = options.DefaultTimeout,
                PooledConnectionLifetime = CerbosChannelFactory.ConnectionLifetime,
            }, logger);
            _http = new HttpClient(handler)
            {
                Timeout = options.DefaultTimeout,
                MaxResponseContentBufferSize = MaxMetricsBytes,
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
        }
        else
        {
            _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = options.DefaultTimeout, MaxResponseContentBufferSize = MaxMetricsBytes };
        }
    }

    public async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_metrics, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();
}
