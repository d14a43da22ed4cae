namespace AuthzService.Api.Security;

/// <summary>
/// The listeners as Kestrel's configuration describes them (<c>Kestrel:Endpoints:Grpc</c>,
/// <c>Kestrel:Endpoints:Health</c>, <c>Kestrel:Endpoints:Http</c> for AuthZEN), read once so validation and TLS
/// set-up agree.
/// </summary>
internal sealed record ListenerSettings(string? GrpcUrl, string? CertificatePath, string? KeyPath, string? HealthUrl, string? HttpUrl = null)
{
    public const string GrpcEndpoint = "Grpc";
    public const string HealthEndpoint = "Health";
    public const string GrpcUrlKey = "Kestrel:Endpoints:Grpc:Url";
    public const string CertificatePathKey = "Kestrel:Endpoints:Grpc:Certificate:Path";
    public const string KeyPathKey = "Kestrel:Endpoints:Grpc:Certificate:KeyPath";
    public const string HealthUrlKey = "Kestrel:Endpoints:Health:Url";
    public const string HttpEndpoint = "Http";
    public const string HttpUrlKey = "Kestrel:Endpoints:Http:Url";
    public const string HttpProtocolsKey = "Kestrel:Endpoints:Http:Protocols";

    public static ListenerSettings From(IConfiguration configuration) => new(
        configuration[GrpcUrlKey], configuration[CertificatePathKey], configuration[KeyPathKey], configuration[HealthUrlKey], configuration[HttpUrlKey]);

    public bool GrpcIsTls => GrpcUrl is not null && GrpcUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the AuthZEN HTTP listener is configured at all.</summary>
    public bool HasHttp => !string.IsNullOrWhiteSpace(HttpUrl);

    public bool HttpIsTls => HttpUrl is not null && HttpUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public bool HttpIsLoopback => HttpUrl is not null && IsLoopbackUrl(HttpUrl);

    /// <summary>Whether the gRPC listener binds only loopback (Kestrel accepts "localhost" and IP literals).</summary>
    public bool GrpcIsLoopback => GrpcUrl is not null && IsLoopbackUrl(GrpcUrl);

    internal static bool IsLoopbackUrl(string url)
    {
        // Kestrel's wildcards ("*", "+", "0.0.0.0", "[::]") are not loopback; Uri rejects "*" and "+" anyway.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (uri.IsLoopback)
        {
            return true;
        }

        return System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }
}
