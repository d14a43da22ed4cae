using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AuthzService.IntegrationTests.Service;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>An AuthZEN answer as the client saw it.</summary>
public sealed record AuthZenResponse(HttpStatusCode Status, string Body, string? RequestId, string? ContentType, Version Version)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public bool Decision => Json.GetProperty("decision").GetBoolean();

    /// <summary>The <c>WWW-Authenticate</c> challenges of the response, joined; null when it had none.</summary>
    public string? WwwAuthenticate { get; init; }

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// Plain HTTP clients of the AuthZEN listener: <see cref="HttpClient"/> (HTTP/1.1 or HTTP/2; the instance's TLS and a
/// client certificate when it runs TLS) and curl, a client that shares no code with .NET.
/// </summary>
public static class AuthZenHttp
{
    public static HttpClient Client(AuthzServiceInstance service, X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var handler = new SocketsHttpHandler();
        if (service.Tls is { } tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? [] : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsTo(certificate, tls.ServerCa),
            };
        }

        return new HttpClient(handler) { BaseAddress = service.HttpAddress ?? throw new InvalidOperationException("no HTTP listener"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<AuthZenResponse> PostAsync(
        this HttpClient client, string path, string json, string? requestId = null, string contentType = "application/json", Version? version = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8),
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        return await SendAsync(client, request);
    }

    /// <summary>POSTs <paramref name="body"/> as it is (bytes that are not UTF-8 included) as application/json.</summary>
    public static async Task<AuthZenResponse> PostBytesAsync(this HttpClient client, string path, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json");
        return await SendAsync(client, request);
    }

    public static async Task<AuthZenResponse> FetchAsync(this HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(client, request);
    }

    /// <summary>curl over HTTP/1.1 (plaintext listeners): status and body.</summary>
    public static async Task<(int Status, string Body, string Headers)> CurlAsync(Uri url, string? json, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { "-sS", "--http1.1", "-D", "/dev/stderr", "-o", "-", "-w", "\n%{http_code}", "--max-time", "30" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var header in headers)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(header);
        }

        if (json is not null)
        {
            start.ArgumentList.Add("--data-binary");
            start.ArgumentList.Add("@-");
        }

        start.ArgumentList.Add(url.ToString());
        using var curl = Process.Start(start)!;
        if (json is not null)
        {
            await curl.StandardInput.WriteAsync(json);
        }

        curl.StandardInput.Close();
        var output = curl.StandardOutput.ReadToEndAsync();
        var error = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var text = await output;
        var newline = text.LastIndexOf('\n');
        Assert.AreEqual(0, curl.ExitCode, $"curl failed: {await error}");
        return (int.Parse(text[(newline + 1)..], System.Globalization.CultureInfo.InvariantCulture), text[..newline], await error);
    }

    private static async Task<AuthZenResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new AuthZenResponse(
            response.StatusCode, body,
            response.Headers.TryGetValues("X-Request-ID", out var ids) ? string.Join(",", ids) : null,
            response.Content.Headers.ContentType?.MediaType, response.Version)
        {
            WwwAuthenticate = response.Headers.WwwAuthenticate.Count == 0 ? null : response.Headers.WwwAuthenticate.ToString(),
        };
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
