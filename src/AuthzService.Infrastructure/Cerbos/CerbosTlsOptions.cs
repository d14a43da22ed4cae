namespace AuthzService.Infrastructure.Cerbos;

/// <summary>mTLS to Cerbos: PEM file paths, and whether the server certificate is verified.</summary>
public sealed class CerbosTlsOptions
{
    /// <summary>CA certificate (PEM) that Cerbos's server certificate must chain to.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>Client certificate (PEM) presented to Cerbos.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>Private key (PEM) of the client certificate.</summary>
    public string? ClientKey { get; set; }

    /// <summary>Verify Cerbos's certificate and host name. <c>false</c> is refused outside Development.</summary>
    public bool Verify { get; set; } = true;
}
