using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AuthzService.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// A unary CheckResources over plain HttpClient (h2c) with a <c>grpc-timeout</c> header and no client-side deadline
/// timer, so the measured time is how long the service took to answer, not when Grpc.Net.Client gave up waiting.
/// </summary>
internal sealed class RawGrpc(Uri address) : IDisposable
{
    /// <summary>Hang guard only: a call still open this long after its deadline counts as late, and the test fails on it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        Timeout = HangGuard,
    };

    public readonly record struct Answer(StatusCode Status, string Detail, CheckResourcesResponse? Response, TimeSpan Elapsed);

    public async Task<Answer> CheckAsync(CheckResourcesRequest request, TimeSpan deadline)
    {
        var body = request.ToByteArray();
        var framed = new byte[5 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), body.Length);
        body.CopyTo(framed, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/authz.v1.AuthorizationService/CheckResources"))
        {
            Content = new ByteArrayContent(framed),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation("grpc-timeout", ((long)deadline.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "m");
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var elapsed = clock.Elapsed;
            var status = Header(response, "grpc-status");
            if (response.StatusCode != HttpStatusCode.OK || status is null)
            {
                return new Answer(StatusCode.Unknown, $"HTTP {(int)response.StatusCode} {response.Version}, no grpc-status: {System.Text.Encoding.UTF8.GetString(bytes)}", null, elapsed);
            }

            var code = (StatusCode)int.Parse(status, CultureInfo.InvariantCulture);
            var detail = Uri.UnescapeDataString(Header(response, "grpc-message") ?? string.Empty);
            var parsed = code == StatusCode.OK && bytes.Length >= 5 ? CheckResourcesResponse.Parser.ParseFrom(bytes.AsSpan(5)) : null;
            return new Answer(code, detail, parsed, elapsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // The connection broke or the hang guard fired: not an answer, and never an allow.
            return new Answer(StatusCode.Internal, "transport: " + ex.GetType().Name + ": " + ex.Message, null, clock.Elapsed);
        }
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
        : response.Headers.TryGetValues(name, out var h) ? h.First()
        : null;
}
