using System.Security.Cryptography.X509Certificates;
using AuthzService.Tls;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Client.Internal;

/// <summary>
/// Turns validated <see cref="AuthzClientOptions"/> into a <see cref="GrpcChannel"/>: the transport is
/// AuthzService.Tls's <see cref="TlsClientHandler"/> (custom CA trust, a client certificate sent with its
/// intermediates, PEM files re-read when they change), retries are the channel's service-config policy.
/// </summary>
internal static class ChannelFactory
{
    /// <summary>How often (at most, on use) the PEM files are checked for changes.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(1);

    /// <summary>PING after this much silence while a call is in flight: a connection gone dead fails the call, not its deadline.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);

    public static GrpcChannel Create(AuthzClientOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid AuthzClient options: " + string.Join(" ", errors), nameof(options));
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("AuthzService.Client.Transport");
        var address = new Uri(options.Address!, UriKind.Absolute);
        var handler = new TlsClientHandler(address, new TlsClientOptions
        {
            TrustedCas = TrustedCas(options, logger),
            ClientIdentity = ClientIdentity(options, logger),
            VerifyServerCertificate = options.VerifyServerCertificate,
            KeepAlivePingDelay = KeepAlivePingDelay,
        }, logger);
        return TlsGrpcChannel.Create(address, handler, loggerFactory, options.RetryAttempts);
    }

    private static Func<X509Certificate2Collection>? TrustedCas(AuthzClientOptions options, ILogger logger)
    {
        if (options.TrustedCaCertificates is { Count: > 0 } inCode)
        {
            X509Certificate2Collection fixedSet = [.. inCode];
            return () => fixedSet;
        }

        if (string.IsNullOrWhiteSpace(options.CaCertificatePath))
        {
            return null;
        }

        var path = options.CaCertificatePath;
        var source = new ReloadingPemSource<X509Certificate2Collection>([path], () => PemCertificates.LoadBundle(path), ReloadInterval, logger);
        return () => source.Current;
    }

    private static Func<TlsIdentity>? ClientIdentity(AuthzClientOptions options, ILogger logger)
    {
        if (options.ClientCertificate is { } inCode)
        {
            var identity = TlsIdentity.FromCertificate(inCode);
            return () => identity;
        }

        if (string.IsNullOrWhiteSpace(options.ClientCertificatePath))
        {
            return null;
        }

        var cert = options.ClientCertificatePath;
        var key = options.ClientKeyPath!;
        var source = new ReloadingPemSource<TlsIdentity>([cert, key], () => TlsIdentity.FromPemFiles(cert, key), ReloadInterval, logger);
        return () => source.Current;
    }
}
