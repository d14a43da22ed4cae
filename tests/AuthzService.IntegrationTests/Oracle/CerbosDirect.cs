using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// Cerbos asked directly, over its own HTTP JSON API (<c>POST /api/check/resources</c>, mTLS with the fixture's client
/// certificate), so that the expected decision shares nothing with the service's decision path (no mapper, no gRPC
/// client, no cache). Answers are memoized by the exact request: Cerbos is a pure function of it.
/// </summary>
internal sealed class CerbosDirect : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _check;
    private readonly X509Certificate2 _ca;
    private readonly ConcurrentDictionary<string, Task<IReadOnlyDictionary<string, bool>>> _answers = new(StringComparer.Ordinal);
    private int _calls;

    public CerbosDirect(CerbosServer cerbos)
    {
        _ca = X509CertificateLoader.LoadCertificate(cerbos.Certificates.Ca.RawData);
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.ClientCertificates = [cerbos.ClientCertificate];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsToCa(certificate);
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        _check = new Uri(cerbos.HttpAddress, "/api/check/resources");
    }

    /// <summary>Distinct requests sent to Cerbos (memoized repeats not counted).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether Cerbos allows each of <paramref name="actions"/> for the principal on the resource.</summary>
    public Task<IReadOnlyDictionary<string, bool>> CheckAsync(JsonObject principal, JsonObject resource, IReadOnlyCollection<string> actions)
    {
        var body = new JsonObject
        {
            ["requestId"] = "oracle",
            ["principal"] = principal.DeepClone(),
            ["resources"] = new JsonArray(new JsonObject
            {
                ["actions"] = new JsonArray([.. actions.Order(StringComparer.Ordinal).Select(a => (JsonNode)a)]),
                ["resource"] = resource.DeepClone(),
            }),
        }.ToJsonString();
        return _answers.GetOrAdd(body, SendAsync);
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
    }

    private async Task<IReadOnlyDictionary<string, bool>> SendAsync(string body)
    {
        Interlocked.Increment(ref _calls);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(_check, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Cerbos answered HTTP {(int)response.StatusCode} to {body}: {text}");
        }

        var result = JsonNode.Parse(text)?["results"]?[0]?["actions"]?.AsObject()
            ?? throw new InvalidOperationException($"Cerbos answered no result to {body}: {text}");
        return result.ToDictionary(a => a.Key, a => a.Value?.GetValue<string>() == "EFFECT_ALLOW", StringComparer.Ordinal);
    }

    private bool ChainsToCa(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
