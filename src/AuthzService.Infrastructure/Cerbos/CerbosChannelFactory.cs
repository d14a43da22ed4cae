using System.Security.Cryptography.X509Certificates;
using AuthzService.Tls;
using Cerbos.Api.V1.Svc;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// Owns the one gRPC channel to Cerbos (Grpc.Net.Client): mTLS from the PEM files in
/// <see cref="CerbosTlsOptions"/> through <see cref="TlsClientHandler"/> (re-read when they change, so
/// certificate rotation needs no restart), several HTTP/2 connections, keep-alive pings, and the channel's
/// retry policy on UNAVAILABLE: the only retries of a Cerbos call.
/// </summary>
public sealed class CerbosChannelFactory : IDisposable
{
    /// <summary>How long one TLS connection to Cerbos serves new calls before a fresh handshake replaces it.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>How often the PEM files are checked for changes (on use).</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PING after this much silence while a call is in flight. Go gRPC servers (Cerbos) answer pings closer
    /// together than their enforcement minimum (5 minutes by default) with GOAWAY unless they have written
    /// to the connection in between; pings only during calls, which end within their deadline, stay clear of it.
    /// </summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);

    private readonly Lazy<GrpcChannel> _channel;

    public CerbosChannelFactory(IOptions<CerbosOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        loggerFactory ??= NullLoggerFactory.Instance;
        _channel = new(() => Create(value, loggerFactory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The shared channel.</summary>
    public GrpcChannel GetChannel() => _channel.Value;

    /// <summary>The generated Cerbos client on the shared channel (cheap: a client is a thin wrapper).</summary>
    public CerbosService.CerbosServiceClient CreateClient() => new(_channel.Value);

    public void Dispose()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }
    }

    private static GrpcChannel Create(CerbosOptions options, ILoggerFactory loggerFactory)
    {
        var address = options.Address ?? throw new InvalidOperationException("Cerbos:Address is not set.");
        var logger = loggerFactory.CreateLogger<CerbosChannelFactory>();
        var tls = options.Tls;
        Func<X509Certificate2Collection>? trusted = null;
        Func<TlsIdentity>? identity = null;
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            if (tls.CaCertificate is { Length: > 0 } ca)
            {
                var source = new ReloadingPemSource<X509Certificate2Collection>([ca], () => PemCertificates.LoadBundle(ca), ReloadInterval, logger);
                trusted = () => source.Current;
            }

            if (tls.ClientCertificate is { Length: > 0 } cert && tls.ClientKey is { Length: > 0 } key)
            {
                var source = new ReloadingPemSource<TlsIdentity>([cert, key], () => TlsIdentity.FromPemFiles(cert, key), ReloadInterval, logger);
                identity = () => source.Current;
            }
        }

        var handler = new TlsClientHandler(address, new TlsClientOptions
        {
            TrustedCas = trusted,
            ClientIdentity = identity,
            VerifyServerCertificate = tls.Verify,
            // A dead PDP should cost the caller's budget, not the 10 s default connect timeout.
            ConnectTimeout = options.DefaultTimeout,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // A CA rotation applies to new handshakes; recycling bounds how long an old connection stays in use.
            PooledConnectionLifetime = trusted is null ? Timeout.InfiniteTimeSpan : ConnectionLifetime,
        }, logger);
        return TlsGrpcChannel.Create(address, handler, loggerFactory, options.MaxAttempts);
    }
}
