using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Client;

/// <summary>Settings of a <see cref="GrpcChannel"/>. Transport settings apply to every connection of the channel.</summary>
public sealed class GrpcChannelOptions
{
    public const int DefaultMaxMessageSize = GrpcProtocolConstants.DefaultMaxMessageSize;

    /// <summary>CA certificates that the server certificate must chain to (custom root trust). Null: the system store.</summary>
    public X509Certificate2Collection? TrustedCaCertificates { get; init; }

    /// <summary>Like <see cref="TrustedCaCertificates"/>, but read on every new connection so the CA can rotate. Wins when both are set.</summary>
    public TrustedCaProvider? TrustedCaProvider { get; init; }

    /// <summary>Client certificate (with private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Like <see cref="ClientCertificate"/>, but read on every new connection so the certificate can rotate. Wins when both are set.</summary>
    public ClientCertificateProvider? ClientCertificateProvider { get; init; }

    /// <summary>
    /// Verify the server certificate (chain and host name). Turning it off accepts any server and is
    /// for local development only; the channel logs a warning when it is off.
    /// </summary>
    public bool VerifyServerCertificate { get; init; } = true;

    public int MaxReceiveMessageSize { get; init; } = DefaultMaxMessageSize;

    public int MaxSendMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>Retries on UNAVAILABLE. Null: every call makes one attempt.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>
    /// HTTP/2 PING interval. Off by default: Go gRPC servers (Cerbos) answer pings more frequent than
    /// their enforcement policy (5 minutes by default) with GOAWAY.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public HttpKeepAlivePingPolicy KeepAlivePingPolicy { get; init; } = HttpKeepAlivePingPolicy.WithActiveRequests;

    /// <summary>TCP connect plus TLS handshake limit, independent of call deadlines.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a connection takes new calls before a fresh one (a new handshake, with the current client
    /// certificate and CAs) replaces it; calls in flight finish on the old one. Infinite by default.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = Timeout.InfiniteTimeSpan;

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>All problems at once, each naming its property.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxReceiveMessageSize <= 0)
        {
            errors.Add($"{nameof(MaxReceiveMessageSize)} must be positive.");
        }

        if (MaxSendMessageSize <= 0)
        {
            errors.Add($"{nameof(MaxSendMessageSize)} must be positive.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(ConnectTimeout)} must be positive.");
        }

        if (KeepAlivePingDelay <= TimeSpan.Zero && KeepAlivePingDelay != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(KeepAlivePingDelay)} must be positive or infinite.");
        }

        if (KeepAlivePingTimeout <= TimeSpan.Zero && KeepAlivePingTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(KeepAlivePingTimeout)} must be positive or infinite.");
        }

        if (ClientCertificate is { HasPrivateKey: false })
        {
            errors.Add($"{nameof(ClientCertificate)} has no private key.");
        }

        if (RetryPolicy is not null)
        {
            errors.AddRange(RetryPolicy.Validate().Select(e => $"{nameof(RetryPolicy)}.{e}"));
        }

        return errors;
    }
}
