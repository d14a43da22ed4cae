using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AuthzService.Grpc.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Kestrel on 127.0.0.1:0 with our gRPC layer, the interop TestService, a functional test service and health.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2? _serverCertificate;

    private TestServer(WebApplication app, X509Certificate2? serverCertificate, Uri address)
    {
        _app = app;
        _serverCertificate = serverCertificate;
        Address = address;
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    public InvocationLog Invocations => _app.Services.GetRequiredService<InvocationLog>();

    public HealthStatusRegistry Health => _app.Services.GetRequiredService<HealthStatusRegistry>();

    public CapturingLoggerProvider Logs => _app.Services.GetRequiredService<CapturingLoggerProvider>();

    public static async Task<TestServer> StartAsync(TestServerOptions? options = null)
    {
        options ??= new TestServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton<InvocationLog>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddGrpcServer(options.ConfigureGrpc);

        var certificate = options.Certificates?.IssueServer();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            // TLS offers HTTP/1.1 too, so tests can show it is refused by the gRPC layer (S1).
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.ClientCertificateMode = options.ClientCertificateMode;
                https.ClientCertificateValidation = (cert, _, _) => ChainsTo(cert, options.Certificates!.Ca);
            });
        }));

        var app = builder.Build();
        app.MapGrpcService<InteropTestService>();
        app.MapGrpcService<FunctionalTestService>();
        app.MapGrpcHealthService();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            certificate?.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestServer(app, certificate, new Uri(address));
    }

    /// <summary>A raw HTTP/2 client trusting the test CA; optionally presenting a client certificate.</summary>
    public HttpClient CreateHttpClient(X509Certificate2? clientCertificate = null, AuthzService.Testing.TestCertificates? trust = null)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        if (Address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is X509Certificate2 c2 && trust is not null && ChainsTo(c2, trust.Ca),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            };
        }

        return new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Stops the host as the runtime would on SIGTERM, waiting for in-flight calls.</summary>
    public async Task StopAsync()
    {
        _app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _serverCertificate?.Dispose();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
