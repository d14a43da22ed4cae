using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;

namespace AuthzService.Tls;

/// <summary>
/// The gRPC channel both of our clients (the Cerbos adapter and the client library) build over a
/// <see cref="TlsClientHandler"/>: the channel owns the handler, and retries are the channel's service-config
/// policy, UNAVAILABLE only, before the server answered and within the call's deadline (gRFC A6).
/// </summary>
public static class TlsGrpcChannel
{
    /// <param name="maxAttempts">Attempts per call including the first; 1 or less turns retries off.</param>
    public static GrpcChannel Create(Uri address, TlsClientHandler handler, ILoggerFactory loggerFactory, int maxAttempts) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = loggerFactory,
            ServiceConfig = RetryConfig(maxAttempts),
            // The channel caps every retry policy at this; its default (5) would cut a larger setting short.
            MaxRetryAttempts = Math.Max(maxAttempts, 1),
        });

    /// <summary>The retry policy for <paramref name="maxAttempts"/>; null (no retries) for 1 or less.</summary>
    public static ServiceConfig? RetryConfig(int maxAttempts) => maxAttempts <= 1 ? null : new ServiceConfig
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = maxAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(100),
                    MaxBackoff = TimeSpan.FromSeconds(2),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };
}
