using AuthzService.Api;
using AuthzService.Grpc;
using AuthzService.Grpc.Client;
using AuthzService.Testing;
using Google.Protobuf;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// The real service (same composition root as production) on a free loopback port, against the
/// real PostgreSQL and Cerbos fixtures. Several instances may share one database (replicas).
/// </summary>
public sealed class AuthzServiceInstance : IAsyncDisposable
{
    private AuthzServiceInstance(WebApplication app, Uri address, CapturingLoggerProvider logs)
    {
        App = app;
        Address = address;
        Logs = logs;
        Channel = GrpcChannel.ForAddress(address);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>Our own gRPC client, h2c, to the instance.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Every log line the instance wrote (category, level, message).</summary>
    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Settings every instance gets; <paramref name="overrides"/> win (null values remove a key).</summary>
    public static async Task<AuthzServiceInstance> StartAsync(
        string postgresConnectionString,
        CerbosServer cerbos,
        IReadOnlyDictionary<string, string?>? overrides = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cerbos);
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings:Postgres"] = postgresConnectionString,
            ["Database:AutoMigrate"] = "true",
            ["Cerbos:Address"] = cerbos.GrpcAddress.ToString(),
            ["Cerbos:Tls:CaCertificate"] = cerbos.CaCertPath,
            ["Cerbos:Tls:ClientCertificate"] = cerbos.ClientCertPath,
            ["Cerbos:Tls:ClientKey"] = cerbos.ClientKeyPath,
            ["Health:ProbeInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var app = AuthzHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings.Where(kv => kv.Value is not null));
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync(cancellationToken);
        var instance = new AuthzServiceInstance(app, new Uri($"http://127.0.0.1:{port}"), logs);
        await instance.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), cancellationToken);
        return instance;
    }

    /// <summary>Polls grpc.health.v1 until the whole server reports <paramref name="expected"/>.</summary>
    public async Task WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus expected, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var last = "no answer";
        while (true)
        {
            try
            {
                var status = (await HealthAsync(cancellationToken: cts.Token)).Status;
                if (status == expected)
                {
                    return;
                }

                last = status.ToString();
            }
            catch (RpcException ex) when (!cts.IsCancellationRequested)
            {
                last = ex.Status.ToString();
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new TimeoutException($"health did not become {expected} within {timeout} (last: {last}). Log:\n{Logs.Text}");
    }

    public Task<HealthCheckResponse> HealthAsync(string service = "", CancellationToken cancellationToken = default) =>
        Channel.CallUnaryAsync(
            "/grpc.health.v1.Health/Check", new HealthCheckRequest { Service = service }, HealthCheckResponse.Parser,
            new CallOptions(CancellationToken: cancellationToken).WithTimeout(TimeSpan.FromSeconds(5)));

    /// <summary>A unary call to <c>/{service}/{method}</c> with a 10 s deadline by default.</summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(
        string service, string method, TRequest request, MessageParser<TResponse> parser, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse> =>
        Channel.CallUnaryAsync(
            $"/{service}/{method}", request, parser,
            new CallOptions(CancellationToken: cancellationToken).WithTimeout(timeout ?? TimeSpan.FromSeconds(10)));

    public T GetRequiredService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
