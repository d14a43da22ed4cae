using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Tls;

/// <summary>
/// How a gRPC client reaches one target over HTTP/2: TLS material (read again for every new connection, so
/// rotated files apply without a new channel) and the connection settings of the pooled handler.
/// </summary>
public sealed class TlsClientOptions
{
    /// <summary>The current CA bundle the server certificate must chain to (custom trust); null: the system store.</summary>
    public Func<X509Certificate2Collection>? TrustedCas { get; init; }

    /// <summary>The current client identity for mutual TLS; null: no client certificate.</summary>
    public Func<TlsIdentity>? ClientIdentity { get; init; }

    /// <summary>
    /// Verify the server certificate (chain and host name). Off accepts any server: local development only,
    /// and logged as a warning.
    /// </summary>
    public bool VerifyServerCertificate { get; init; } = true;

    /// <summary>TCP connect plus TLS handshake limit, independent of call deadlines.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 PING after this much silence on a connection; infinite: no pings.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>A connection whose PING is not answered within this is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Ping only while calls are in flight (the default), or always.</summary>
    public HttpKeepAlivePingPolicy KeepAlivePingPolicy { get; init; } = HttpKeepAlivePingPolicy.WithActiveRequests;

    /// <summary>An idle connection is closed after this.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a connection takes new calls before a fresh one (a new handshake against the current CA bundle)
    /// replaces it; calls in flight finish on the old one. Infinite by default.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = Timeout.InfiniteTimeSpan;
}
