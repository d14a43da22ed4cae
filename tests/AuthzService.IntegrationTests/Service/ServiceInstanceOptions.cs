using AuthzService.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.IntegrationTests.Service;

/// <summary>How <see cref="AuthzServiceInstance"/> starts the real service.</summary>
public sealed record ServiceInstanceOptions(string PostgresConnectionString, CerbosServer Cerbos)
{
    /// <summary>
    /// <c>Cache:SigningKey</c> every instance gets unless overridden (a fixed test key, so replicas share L2; base64 of
    /// 32 bytes). Production-like runs with Redis need one (issue 11.5).
    /// </summary>
    public const string CacheSigningKey = "dGVzdC1vbmx5IGNhY2hlIHNpZ25pbmcga2V5IDAwMDE=";

    /// <summary>Configuration that wins over the defaults (null values remove a key).</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }

    /// <summary>TLS with required client certificates on the gRPC listener; null = h2c on loopback.</summary>
    public ServiceTls? Tls { get; init; }

    /// <summary>Also open the plaintext health-only listener.</summary>
    public bool HealthListener { get; init; }

    /// <summary>
    /// Also open the AuthZEN HTTP listener (<c>Kestrel:Endpoints:Http</c>): https with the same TLS as gRPC when
    /// <see cref="Tls"/> is set, else plaintext on loopback.
    /// </summary>
    public bool HttpListener { get; init; }

    /// <summary>Runs after the host is built and before it starts (e.g. to map a test-only gRPC service).</summary>
    public Action<WebApplication>? ConfigureApp { get; init; }

    /// <summary>
    /// Runs on the finished service collection, after the composition root registered everything (e.g. to
    /// decorate a port with a counter); null = the production wiring unchanged.
    /// </summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
