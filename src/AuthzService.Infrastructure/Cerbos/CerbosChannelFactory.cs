using AuthzService.Grpc.Client;
using AuthzService.Infrastructure.Cerbos.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// Owns the one gRPC channel to Cerbos: mTLS from the PEM files in <see cref="CerbosTlsOptions"/>
/// (re-read when they change, so certificate rotation needs no restart) and retries on UNAVAILABLE.
/// </summary>
public sealed class CerbosChannelFactory : IDisposable
{
    /// <summary>How long one TLS connection to Cerbos serves new calls before a fresh handshake replaces it.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    private readonly Lazy<(GrpcChannel Channel, ReloadingTlsMaterial? Tls)> _channel;

    public CerbosChannelFactory(IOptions<CerbosOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        loggerFactory ??= NullLoggerFactory.Instance;
        _channel = new(() => Create(value, loggerFactory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The shared channel, after a (throttled) check for rotated TLS files.</summary>
    public GrpcChannel GetChannel()
    {
        var (channel, tls) = _channel.Value;
        tls?.RefreshIfDue();
        return channel;
    }

    public void Dispose()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Channel.Dispose();
        }
    }

    private static (GrpcChannel, ReloadingTlsMaterial?) Create(CerbosOptions options, ILoggerFactory loggerFactory)
    {
        var address = options.Address ?? throw new InvalidOperationException("Cerbos:Address is not set.");
        var tls = address.Scheme == Uri.UriSchemeHttps
            ? new ReloadingTlsMaterial(options.Tls, loggerFactory.CreateLogger<CerbosChannelFactory>())
            : null;
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            TrustedCaProvider = tls?.TrustedCas,
            ClientCertificateProvider = tls?.ClientCertificate,
            VerifyServerCertificate = options.Tls.Verify,
            RetryPolicy = options.MaxAttempts > 1 ? new RetryPolicy { MaxAttempts = options.MaxAttempts } : null,
            // A dead PDP should cost the caller's budget, not the 10 s default connect timeout.
            ConnectTimeout = options.DefaultTimeout,
            // Rotated certificates apply to new connections only; recycling bounds how long an old one stays in use.
            PooledConnectionLifetime = tls is null ? Timeout.InfiniteTimeSpan : ConnectionLifetime,
            LoggerFactory = loggerFactory,
        });
        return (channel, tls);
    }
}
