using System.Diagnostics;
using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Caching;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Health.V1;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// One service on a PostgreSQL, a Redis and a Cerbos of its own (a fault test freezes or cuts them; the shared
/// fixtures must keep serving other classes). The service's own budgets are production's defaults except the
/// Cerbos circuit's break duration (short, so recovery is seen within the test).
/// </summary>
internal sealed class FaultStack : IAsyncDisposable
{
    private FaultStack(PostgresServer postgres, RedisServer redis, CerbosServer cerbos, AuthzServiceInstance service, TcpFaultProxy? proxy)
    {
        Proxy = proxy;
        Postgres = postgres;
        Redis = redis;
        Cerbos = cerbos;
        Service = service;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public CerbosServer Cerbos { get; }

    public AuthzServiceInstance Service { get; }

    /// <summary>The proxy between the service and the dependency named at start, if one was.</summary>
    public TcpFaultProxy? Proxy { get; }

    /// <summary>
    /// Health, read every 200 ms for at least <paramref name="minimum"/>; with <paramref name="untilNotServing"/>, on
    /// until NOT_SERVING was seen or <paramref name="bound"/> has passed.
    /// </summary>
    public async Task<List<HealthCheckResponse.Types.ServingStatus>> WatchHealthAsync(
        TimeSpan minimum, bool untilNotServing, TimeSpan bound, CancellationToken cancellationToken)
    {
        var seen = new List<HealthCheckResponse.Types.ServingStatus>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < minimum
            || (untilNotServing && clock.Elapsed < bound && !seen.Contains(HealthCheckResponse.Types.ServingStatus.NotServing)))
        {
            seen.Add((await Service.HealthAsync(cancellationToken: cancellationToken)).Status);
            await Task.Delay(200, cancellationToken);
        }

        return seen;
    }

    /// <summary>Recovery without restart: healthy again, and a fresh decision (directory and Cerbos both asked) allowed.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await Service.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(30), cancellationToken);
        var fresh = Check(FaultLoad.Tenant, "bob", Entry(Resource("document", Unique("after"), FaultLoad.Tenant), "read"));
        fresh.Consistency = new Consistency { FullyConsistent = true };
        var recovered = await EventuallyAllowedAsync(Service, fresh, TimeSpan.FromSeconds(30));
        Assert.AreEqual(Effect.Allow, recovered.Results[0].Actions["read"], "recovered without restart");
    }

    /// <summary>Starts the stack; <paramref name="proxied"/> (postgres, redis or cerbos) is reached through a <see cref="TcpFaultProxy"/>.</summary>
    public static async Task<FaultStack> StartAsync(string name, CancellationToken cancellationToken, string? proxied = null)
    {
        TcpFaultProxy? proxy = null;
        var postgres = await PostgresServer.StartNewAsync(cancellationToken);
        RedisServer? redis = null;
        CerbosServer? cerbos = null;
        try
        {
            redis = await RedisServer.StartNewAsync(cancellationToken);
            cerbos = await CerbosServer.StartNewAsync(cancellationToken: cancellationToken);
            var database = await postgres.CreateDatabaseAsync(name, cancellationToken);
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Redis"] = redis.ConnectionString,
                ["Cerbos:BreakerBreakDuration"] = "00:00:01",
            };
            switch (proxied)
            {
                case "postgres":
                    proxy = TcpFaultProxy.Start(postgres.Port);
                    settings["ConnectionStrings:Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString;
                    break;
                case "redis":
                    proxy = TcpFaultProxy.Start(redis.Port);
                    settings["ConnectionStrings:Redis"] = $"127.0.0.1:{proxy.Port}";
                    break;
                case "cerbos":
                    proxy = TcpFaultProxy.Start(cerbos.GrpcAddress.Port);
                    settings["Cerbos:Address"] = $"https://127.0.0.1:{proxy.Port}";
                    break;
                case null:
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(proxied), proxied, "postgres, redis or cerbos");
            }

            var service = await AuthzServiceInstance.StartAsync(database, cerbos, settings, cancellationToken);
            var l2 = (RedisDecisionCache)service.GetRequiredService<ISharedDecisionCache>();
            await Eventually.TrueAsync(() => Task.FromResult(l2.IsConnected), "the service's Redis connection", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
            await FaultLoad.SeedAsync(service);
            return new FaultStack(postgres, redis, cerbos, service, proxy);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            if (cerbos is not null)
            {
                await cerbos.DisposeAsync();
            }

            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            postgres.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Cerbos.DisposeAsync();
        await Redis.DisposeAsync();
        Postgres.Dispose();
    }
}
