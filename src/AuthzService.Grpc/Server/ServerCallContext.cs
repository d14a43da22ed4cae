using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace AuthzService.Grpc.Server;

/// <summary>Everything a handler may know about, and say back on, the call it is serving.</summary>
public abstract class ServerCallContext
{
    /// <summary>The full method name, <c>/package.Service/Method</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The <c>:authority</c> the client called.</summary>
    public abstract string Host { get; }

    /// <summary>The remote address, as <c>ipv4:1.2.3.4:5678</c> or <c>ipv6:[::1]:5678</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>The certificate the client presented in the TLS handshake, if any.</summary>
    public abstract X509Certificate2? ClientCertificate { get; }

    /// <summary>When the call must end (UTC); <see cref="DateTime.MaxValue"/> when it has no deadline.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the client goes away.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Custom request metadata; reserved keys (<c>grpc-*</c>, pseudo-headers, <c>te</c>, <c>content-type</c>) are left out.</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Response headers to send; entries added after the first message is written are not sent.</summary>
    public abstract Metadata ResponseHeaders { get; }

    /// <summary>Trailers sent with the status.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>Whether the request message arrived compressed.</summary>
    public abstract bool RequestCompressed { get; }

    /// <summary>
    /// Whether response messages are compressed. Defaults from the server options; only takes effect
    /// when the client advertised a supported encoding.
    /// </summary>
    public abstract bool CompressResponse { get; set; }

    /// <summary>The underlying HTTP/2 request, for transport-level layers (authentication, rate limits).</summary>
    public abstract HttpContext HttpContext { get; }

    /// <summary>Sends <see cref="ResponseHeaders"/> now instead of with the first message.</summary>
    public abstract Task WriteResponseHeadersAsync();
}
