using AuthzService.Api;
using AuthzService.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
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
    private AuthzServiceInstance(WebApplication app, Uri address, CapturingLoggerProvider logs, ServiceTls? tls, Uri? healthAddress, Uri? httpAddress = null)
    {
        HttpAddress = httpAddress;
        Tls = tls;
        App = app;
        Address = address;
        Logs = logs;
        Channel = TestChannels.ForAddress(address, tls?.ServerCa, tls?.ClientCertificate);
        HealthAddress = healthAddress;
        HealthChannel = healthAddress is null ? null : TestChannels.ForAddress(healthAddress);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>A Grpc.Net.Client channel to the instance: h2c, or TLS with the client certificate of <see cref="ServiceInstanceOptions.Tls"/>.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The plaintext health-only listener, when <see cref="ServiceInstanceOptions.HealthListener"/> asked for one.</summary>
    public Uri? HealthAddress { get; }

    /// <summary>The AuthZEN HTTP listener, when <see cref="ServiceInstanceOptions.HttpListener"/> asked for one.</summary>
    public Uri? HttpAddress { get; }

    /// <summary>The TLS material of the instance, if it runs TLS.</summary>
    public ServiceTls? Tls { get; }

    /// <summary>h2c client of <see cref="HealthAddress"/>.</summary>
    public GrpcChannel? HealthChannel { get; }

    /// <summary>Every log line the instance wrote (category, level, message).</summary>
    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Settings every instance gets; <paramref name="overrides"/> win (null values remove a key).</summary>
    public static Task<AuthzServiceInstance> StartAsync(
        string postgresConnectionString,
        CerbosServer cerbos,
        IReadOnlyDictionary<string, string?>? overrides = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(new ServiceInstanceOptions(postgresConnectionString, cerbos) { Overrides = overrides }, cancellationToken);

    /// <summary>
    /// Starts an instance: h2c on loopback (Auth:AllowPlaintext) unless <see cref="ServiceInstanceOptions.Tls"/> is set,
    /// rate limits off unless overridden, and the settings every instance gets; overrides win (null values remove a key).
    /// </summary>
    public static async Task<AuthzServiceInstance> StartAsync(ServiceInstanceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cerbos = options.Cerbos;
        var postgresConnectionString = options.PostgresConnectionString;
        var overrides = options.Overrides;
        var port = FreePort.Next();
        var tls = options.Tls;
        var scheme = tls is null ? "http" : "https";
        var healthPort = options.HealthListener ? FreePort.Next() : 0;
        var httpPort = options.HttpListener ? FreePort.Next() : 0;
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"{scheme}://127.0.0.1:{port}",
            ["Auth:AllowPlaintext"] = tls is null ? "true" : null,
            ["Kestrel:Endpoints:Grpc:Certificate:Path"] = tls?.ServerCertificatePath,
            ["Kestrel:Endpoints:Grpc:Certificate:KeyPath"] = tls?.ServerKeyPath,
            ["Kestrel:Endpoints:Health:Url"] = options.HealthListener ? $"http://127.0.0.1:{healthPort}" : null,
            ["Kestrel:Endpoints:Http:Url"] = options.HttpListener ? $"{scheme}://127.0.0.1:{httpPort}" : null,
            // Action search reads the policies Cerbos loads, as the chart mounts them (docs/authzen.md).
            ["AuthZen:PolicyDirectory"] = options.HttpListener ? cerbos.PolicyDirectory : null,
            ["Auth:CallerCaCertificate"] = tls?.CallerCaPath,
            ["Auth:CertificateReloadInterval"] = "00:00:00.200",
            // Rate limits are off unless a test turns them on: other tests must not trip over them.
            ["RateLimits:PerCaller:PermitsPerSecond"] = "0",
            ["RateLimits:PerTenant:PermitsPerSecond"] = "0",
            ["ConnectionStrings:Postgres"] = postgresConnectionString,
            ["Database:AutoMigrate"] = "true",
            ["Cerbos:Address"] = cerbos.GrpcAddress.ToString(),
            ["Cerbos:Tls:CaCertificate"] = cerbos.CaCertPath,
            ["Cerbos:Tls:ClientCertificate"] = cerbos.ClientCertPath,
            ["Cerbos:Tls:ClientKey"] = cerbos.ClientKeyPath,
            ["Health:ProbeInterval"] = "00:00:00.200",
            ["Cache:SigningKey"] = ServiceInstanceOptions.CacheSigningKey,
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
            if (options.ConfigureServices is { } configureServices)
            {
                builder.Host.UseServiceProviderFactory(new PostConfiguringServiceProviderFactory(configureServices));
            }
        });
        options.ConfigureApp?.Invoke(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // Start-up refused (e.g. configuration validation): release what the host built.
            await app.DisposeAsync();
            throw;
        }

        var instance = new AuthzServiceInstance(
            app, new Uri($"{scheme}://127.0.0.1:{port}"), logs, tls,
            options.HealthListener ? new Uri($"http://127.0.0.1:{healthPort}") : null,
            options.HttpListener ? new Uri($"{scheme}://127.0.0.1:{httpPort}") : null);
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

    /// <summary>grpc.health.v1.Health/Check (the generated client), on the health listener when there is one.</summary>
    public Task<HealthCheckResponse> HealthAsync(string service = "", CancellationToken cancellationToken = default) =>
        new Health.HealthClient(HealthChannel ?? Channel).CheckAsync(
            new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken).ResponseAsync;

    /// <summary>A unary call to <c>/{service}/{method}</c> with a 10 s deadline by default (for tests that name methods as data).</summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(
        string service, string method, TRequest request, MessageParser<TResponse> parser, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage
        where TResponse : class, IMessage<TResponse> =>
        Channel.CallUnaryAsync(
            $"/{service}/{method}", request, parser,
            new CallOptions(cancellationToken: cancellationToken).WithTimeout(timeout ?? TimeSpan.FromSeconds(10)));

    public T GetRequiredService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        HealthChannel?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
