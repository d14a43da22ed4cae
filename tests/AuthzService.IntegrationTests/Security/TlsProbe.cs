using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.IntegrationTests.Security;

/// <summary>A bare TLS handshake, to see which certificate a listener presents to a new connection right now.</summary>
internal static class TlsProbe
{
    /// <summary>How long a TLS test waits for a rotated file to take effect (files are re-read on use, at most every 200 ms in tests).</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<string?> ServerThumbprintAsync(Uri address, X509Certificate2 clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [clientCertificate],
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            // Only looking: which certificate is presented, not whether to trust it.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        });
        return ssl.RemoteCertificate is { } remote ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()).Thumbprint : null;
    }

}
