using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>How a <see cref="TestServer"/> listens and what it allows.</summary>
public sealed class TestServerOptions
{
    /// <summary>TLS with a certificate from <see cref="Certificates"/>; h2c when null.</summary>
    public AuthzService.Testing.TestCertificates? Certificates { get; init; }

    public ClientCertificateMode ClientCertificateMode { get; init; } = ClientCertificateMode.NoCertificate;

    public Action<GrpcServerOptions>? ConfigureGrpc { get; init; }

    /// <summary>Grace period for in-flight calls when the server stops.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
