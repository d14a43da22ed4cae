using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace AuthzService.Tls;

/// <summary>
/// The HTTP/2 transport of a gRPC client (hand it to <c>GrpcChannelOptions.HttpHandler</c>): pooled
/// <see cref="SocketsHttpHandler"/> connections, several when a server's stream limit is reached, TLS 1.2+
/// with custom-trust server verification and mutual TLS that follows the client identity. A client
/// certificate is fixed per <see cref="SocketsHttpHandler"/> once it has connected, and only a certificate
/// context sends the intermediates with the leaf; so each identity gets its own handler: when the identity
/// changes (its files were rotated), new calls go to a new handler and so to new connections, while calls in
/// flight finish on the old ones, which close once idle.
/// </summary>
public sealed class TlsClientHandler : HttpMessageHandler
{
    /// <summary>How long a replaced identity's connections may keep serving the calls that were on them.</summary>
    internal static readonly TimeSpan RetiredHandlerGrace = TimeSpan.FromMinutes(10);

    private readonly Uri _address;
    private readonly TlsClientOptions _options;
    private readonly ILogger _logger;
    private readonly ServerCertificateValidator? _validator;
    private readonly Lock _gate = new();
    private readonly List<(HttpMessageInvoker Invoker, DateTime RetiredUtc)> _retired = [];
    private Generation _current;
    private bool _disposed;

    /// <param name="address">The target, <c>http://</c> (h2c, prior knowledge) or <c>https://</c> (TLS, ALPN h2).</param>
    /// <param name="options">TLS material and connection settings.</param>
    /// <param name="logger">Certificate rejections and identity switches.</param>
    public TlsClientHandler(Uri address, TlsClientOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _address = address;
        _options = options;
        _logger = logger;
        if (IsTls)
        {
            if (options.VerifyServerCertificate)
            {
                _validator = new ServerCertificateValidator(options.TrustedCas, logger);
            }
            else
            {
                TlsLog.ServerCertificateVerificationDisabled(logger, address);
            }
        }

        var identity = IsTls ? options.ClientIdentity?.Invoke() : null;
        _current = new Generation(identity, new HttpMessageInvoker(CreateHandler(identity), disposeHandler: true));
    }

    private bool IsTls => _address.Scheme == Uri.UriSchemeHttps;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await Current().SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!HasIOException(ex))
        {
            // No response: the connection could not be made or used (refused, TLS handshake failed, the peer hung up
            // during the HTTP/2 preface). That is UNAVAILABLE, as gRPC's other implementations report it (gRPC's
            // doc/statuscodes.md; docs/grpc.md, C3). Grpc.Net.Client derives UNAVAILABLE from an IOException in the
            // chain; without one (a certificate refused by our own validation, for instance) it reports INTERNAL.
            // Stream resets (HttpProtocolException, an IOException) keep Grpc.Net.Client's mapping of their error
            // codes.
            throw new HttpRequestException(ex.HttpRequestError, ex.Message, new IOException("The connection failed.", ex.InnerException), ex.StatusCode);
        }
    }

    private static bool HasIOException(Exception ex)
    {
        for (var current = ex.InnerException; current is not null; current = current.InnerException)
        {
            if (current is IOException)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
                _current.Invoker.Dispose();
                foreach (var (invoker, _) in _retired)
                {
                    invoker.Dispose();
                }

                _retired.Clear();
            }
        }

        base.Dispose(disposing);
    }

    // The hot path is a reference comparison: the identity source hands out the same object until its files change.
    private HttpMessageInvoker Current()
    {
        var generation = Volatile.Read(ref _current);
        if (!IsTls || _options.ClientIdentity is not { } source)
        {
            return generation.Invoker;
        }

        var identity = source();
        return ReferenceEquals(identity, generation.Identity) ? generation.Invoker : Switch(identity);
    }

    private HttpMessageInvoker Switch(TlsIdentity identity)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (ReferenceEquals(identity, _current.Identity))
            {
                return _current.Invoker;
            }

            var now = DateTime.UtcNow;
            // Connections of identities replaced long ago have closed (idle timeout); their handlers can go.
            _retired.RemoveAll(r =>
            {
                var expired = now - r.RetiredUtc > RetiredHandlerGrace;
                if (expired)
                {
                    r.Invoker.Dispose();
                }

                return expired;
            });
            _retired.Add((_current.Invoker, now));
            var next = new Generation(identity, new HttpMessageInvoker(CreateHandler(identity), disposeHandler: true));
            Volatile.Write(ref _current, next);
            TlsLog.ClientIdentitySwitched(_logger, identity.Certificate.Subject, _address);
            return next.Invoker;
        }
    }

    private SocketsHttpHandler CreateHandler(TlsIdentity? identity)
    {
        var handler = new SocketsHttpHandler
        {
            // When the server's SETTINGS_MAX_CONCURRENT_STREAMS is reached, open another connection instead of queueing.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionIdleTimeout = _options.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = _options.PooledConnectionLifetime,
            KeepAlivePingDelay = _options.KeepAlivePingDelay,
            KeepAlivePingTimeout = _options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = _options.KeepAlivePingPolicy,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            // Service-to-service traffic on a private network; an ambient HTTP_PROXY must not intercept it.
            UseProxy = false,
        };
        if (!IsTls)
        {
            return handler;
        }

        handler.SslOptions = new SslClientAuthenticationOptions
        {
#pragma warning disable CA5398 // TLS 1.2+ is a requirement, not a default to leave to the OS.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
#pragma warning disable CA5359 // Verification off is an explicit, logged, development-only setting.
            RemoteCertificateValidationCallback = _validator is null ? static (_, _, _, _) => true : _validator.Validate,
#pragma warning restore CA5359
            // A context (not a bare certificate) so the intermediates travel with the leaf.
            ClientCertificateContext = identity?.Context,
        };
        return handler;
    }

    private sealed record Generation(TlsIdentity? Identity, HttpMessageInvoker Invoker);
}
