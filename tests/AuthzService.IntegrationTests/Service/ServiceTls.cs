using System.Security.Cryptography.X509Certificates;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// TLS material of a service instance: its server certificate files, the caller CA file it verifies
/// client certificates against, and what the instance's own <see cref="AuthzServiceInstance.Channel"/> uses.
/// </summary>
public sealed record ServiceTls(
    string ServerCertificatePath,
    string ServerKeyPath,
    string CallerCaPath,
    X509Certificate2 ServerCa,
    X509Certificate2 ClientCertificate);
