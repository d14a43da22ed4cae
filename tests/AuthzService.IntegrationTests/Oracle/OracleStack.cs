using AuthzService.Core.Caching;
using AuthzService.IntegrationTests.Cache;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// The oracle's real stack: its own PostgreSQL database and Redis, its own Cerbos (the repository's policies plus the
/// test-only <c>oracle_item</c> policies of <c>Oracle/policies/</c>) and two replicas of the service, configured as
/// <see cref="CacheCluster"/>'s (10 min TTL, so nothing passes because an entry expired), whose invalidation sinks
/// report the oracle's markers.
/// </summary>
internal sealed class OracleStack : IAsyncDisposable
{
    private readonly TempDirectory _policies;
    private readonly RedisServer _redis;

    private OracleStack(TempDirectory policies, RedisServer redis, CerbosServer cerbos, string database, OracleMarkers markers, AuthzServiceInstance[] replicas)
    {
        _policies = policies;
        _redis = redis;
        Cerbos = cerbos;
        Database = database;
        Markers = markers;
        Replicas = replicas;
    }

    public CerbosServer Cerbos { get; }

    public string Database { get; }

    public OracleMarkers Markers { get; }

    public AuthzServiceInstance[] Replicas { get; }

    public static async Task<OracleStack> StartAsync(CancellationToken cancellationToken)
    {
        var policies = new TempDirectory("authz-oracle-policies-");
        CopyPolicies(RepoPaths.Policies, policies.Path);
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "AuthzService.IntegrationTests", "Oracle", "policies"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(policies.Path, "resource_policies", Path.GetFileName(file)));
        }

        var redis = await RedisServer.StartNewAsync(cancellationToken);
        var cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions { PolicyDirectory = policies.Path }, cancellationToken);
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("oracle", cancellationToken);
        var markers = new OracleMarkers(2);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Cache:Ttl"] = "00:10:00",
            ["Cache:DegradedPrincipalTtl"] = "00:00:01",
            ["Cache:RedisTimeout"] = "00:00:01",
        };
        var replicas = new AuthzServiceInstance[2];
        for (var i = 0; i < replicas.Length; i++)
        {
            var replica = i;
            replicas[i] = await AuthzServiceInstance.StartAsync(new ServiceInstanceOptions(database, cerbos)
            {
                Overrides = settings,
                HttpListener = true,
                ConfigureServices = services => services.AddSingleton(sp => markers.Decorate(replica, sp.GetRequiredService<PrincipalCacheInvalidation>())),
            }, cancellationToken);
            await CacheCluster.WaitForL2ConnectedAsync(replicas[i]);
        }

        return new OracleStack(policies, redis, cerbos, database, markers, replicas);
    }

    /// <summary>Sends marker <paramref name="index"/> on the service's invalidation channel (after write <paramref name="index"/> returned).</summary>
    public static async Task SendMarkerAsync(NpgsqlConnection connection, long index)
    {
        await using var notify = new NpgsqlCommand(
            "SELECT pg_notify(authz_invalidation_channel(), json_build_object('kind', 'principal', 'tenant_id', @tenant, 'principal_id', 'marker', 'version', @index)::text)",
            connection);
        notify.Parameters.AddWithValue("tenant", OracleMarkers.Tenant);
        notify.Parameters.AddWithValue("index", index);
        await notify.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await Cerbos.DisposeAsync();
        await _redis.DisposeAsync();
        _policies.Dispose();
    }

    private static void CopyPolicies(string from, string to)
    {
        foreach (var directory in System.IO.Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in System.IO.Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
