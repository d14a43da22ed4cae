using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AuthzService.Api.Security;

/// <summary>
/// Wires the listeners Kestrel reads from configuration: <c>Grpc</c> gets our TLS (rotating server
/// certificate, required client certificates) when its URL is https; <c>Http</c> (AuthZEN) gets the same TLS with
/// HTTP/1.1 offered too, and is marked so only the AuthZEN endpoints answer there; <c>Health</c> is marked so the
/// authentication middleware lets only <c>grpc.health.v1.Health</c> through it.
/// </summary>
internal static class ListenerConfiguration
{
    public static void Configure(WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // gRPC needs HTTP/2 on every endpoint; with plaintext (h2c) that means HTTP/2 only, with prior knowledge.
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: true)
                .Endpoint(ListenerSettings.GrpcEndpoint, endpoint =>
                {
                    if (!endpoint.IsHttps)
                    {
                        return;
                    }

                    // Set up TLS here (instead of Kestrel's one-time certificate load) so rotated files are picked up.
                    var tls = kestrel.ApplicationServices.GetRequiredService<GrpcListenerTls>();
                    endpoint.ListenOptions.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = tls.OnConnectionAsync,
                        HandshakeTimeout = GrpcListenerTls.HandshakeTimeout,
                    });
                })
                .Endpoint(ListenerSettings.HttpEndpoint, endpoint =>
                {
                    // AuthZEN over HTTP/1.1 and HTTP/2 unless the endpoint names its protocols itself. On plaintext
                    // Kestrel then speaks HTTP/1.1 only (h2c needs prior knowledge, i.e. an Http2-only endpoint).
                    if (context.Configuration[ListenerSettings.HttpProtocolsKey] is null)
                    {
                        endpoint.ListenOptions.Protocols = HttpProtocols.Http1AndHttp2;
                    }

                    endpoint.ListenOptions.Use(next => connection =>
                    {
                        connection.Features.Set(HttpApiListenerFeature.Instance);
                        return next(connection);
                    });
                    if (endpoint.IsHttps)
                    {
                        var tls = kestrel.ApplicationServices.GetRequiredService<GrpcListenerTls>();
                        endpoint.ListenOptions.UseHttps(new TlsHandshakeCallbackOptions
                        {
                            OnConnection = tls.OnHttpConnectionAsync,
                            HandshakeTimeout = GrpcListenerTls.HandshakeTimeout,
                        });
                    }
                })
                .Endpoint(ListenerSettings.HealthEndpoint, endpoint =>
                    endpoint.ListenOptions.Use(next => connection =>
                    {
                        connection.Features.Set(HealthOnlyListenerFeature.Instance);
                        return next(connection);
                    }));
        });
    }
}
