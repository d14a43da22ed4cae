using AuthzService.Grpc.Internal;
using Grpc.Health.V1;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>An open <c>Health/Watch</c> call read message by message, as a load balancer would.</summary>
public sealed class HealthWatcher : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly CancellationTokenSource _cts;

    private HealthWatcher(HttpResponseMessage response, Stream body, CancellationTokenSource cts)
    {
        _response = response;
        _body = body;
        _cts = cts;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<HealthWatcher> OpenAsync(HttpClient client, string service)
    {
        var cts = new CancellationTokenSource();
        var request = GrpcWire.Request("/grpc.health.v1.Health/Watch", GrpcWire.Frame(new HealthCheckRequest { Service = service }));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        return new HealthWatcher(response, await response.Content.ReadAsStreamAsync(cts.Token), cts);
    }

    /// <summary>The next status, or null when the server ended the stream.</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus?> NextAsync(TimeSpan timeout)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        timer.CancelAfter(timeout);
        var payload = await MessageFraming.ReadMessageAsync(_body, int.MaxValue, null, timer.Token);
        return payload is null ? null : HealthCheckResponse.Parser.ParseFrom(payload).Status;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _body.DisposeAsync();
        _response.Dispose();
        _cts.Dispose();
    }
}
