using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Caching;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace AuthzService.IntegrationTests.Cache;

/// <summary>
/// Two replicas of the real service sharing one PostgreSQL database, one Redis (standalone, or a Redis Cluster) and the shared Cerbos,
/// with a long TTL so that nothing in these tests passes merely because an entry expired.
/// </summary>
internal sealed class CacheCluster : IAsyncDisposable
{
    public const string Authorization = "authz.v1.AuthorizationService";
    public const string MembershipServiceName = "authz.v1.MembershipService";
    public const string CacheServiceName = "authz.v1.CacheService";

    /// <summary>Hang guard for "eventually" loops; the measured times are reported, not asserted tightly.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly RedisServer? _redis;
    private readonly RedisClusterServer? _redisCluster;
    private int _keyScans;

    private CacheCluster(string database, RedisServer? redis, RedisClusterServer? redisCluster, AuthzServiceInstance a, AuthzServiceInstance b)
    {
        Database = database;
        _redis = redis;
        _redisCluster = redisCluster;
        RedisConfiguration = redis?.ConnectionString ?? redisCluster!.ConnectionString;
        A = a;
        B = b;
    }

    public string Database { get; }

    /// <summary>The standalone Redis (not on a cluster started by <see cref="StartOnRedisClusterAsync"/>).</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("this cache cluster runs on a Redis Cluster");

    /// <summary>The Redis Cluster (only when started by <see cref="StartOnRedisClusterAsync"/>).</summary>
    public RedisClusterServer RedisCluster => _redisCluster ?? throw new InvalidOperationException("this cache cluster runs on a standalone Redis");

    /// <summary>The StackExchange.Redis configuration string the replicas use.</summary>
    public string RedisConfiguration { get; }

    /// <summary>How many KEYS commands this fixture has sent to each Redis primary (counted before they are sent).</summary>
    public int KeyScansSentPerPrimary => Volatile.Read(ref _keyScans);

    public AuthzServiceInstance A { get; }

    public AuthzServiceInstance B { get; }

    public static async Task<CacheCluster> StartAsync(string name, CancellationToken cancellationToken)
    {
        var redis = await RedisServer.StartNewAsync(cancellationToken);
        try
        {
            return await StartAsync(name, redis, null, redis.ConnectionString, cancellationToken);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same two replicas on a three-node Redis Cluster (<see cref="RedisClusterServer"/>).</summary>
    public static async Task<CacheCluster> StartOnRedisClusterAsync(string name, CancellationToken cancellationToken)
    {
        var redis = await RedisClusterServer.StartNewAsync(cancellationToken);
        try
        {
            return await StartAsync(name, null, redis, redis.ConnectionString, cancellationToken);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    private static async Task<CacheCluster> StartAsync(
        string name, RedisServer? redis, RedisClusterServer? redisCluster, string redisConfiguration, CancellationToken cancellationToken)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync(name, cancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redisConfiguration,
            ["Cache:Ttl"] = "00:10:00",
            ["Cache:DegradedPrincipalTtl"] = "00:00:01",
            // Generous for a loaded 2-core CI machine: a read slower than this counts as a Redis failure.
            // A killed Redis still fails fast (connection refused), so outage tests lose nothing.
            ["Cache:RedisTimeout"] = "00:00:01",
        };
        var a = await AuthzServiceInstance.StartAsync(database, cerbos, settings, cancellationToken);
        var b = await AuthzServiceInstance.StartAsync(database, cerbos, settings, cancellationToken);
        await WaitForL2ConnectedAsync(a);
        await WaitForL2ConnectedAsync(b);
        return new CacheCluster(database, redis, redisCluster, a, b);
    }

    /// <summary>A replica reads L2 only once its Redis connection is up; tests that expect L2 hits wait for it.</summary>
    public static Task WaitForL2ConnectedAsync(AuthzServiceInstance replica)
    {
        var l2 = (RedisDecisionCache)replica.GetRequiredService<ISharedDecisionCache>();
        return EventuallyAsync(() => Task.FromResult(l2.IsConnected), "the replica's Redis connection", TimeSpan.FromSeconds(30));
    }

    public static Task<TResponse> Call<TRequest, TResponse>(AuthzServiceInstance on, string service, string method, TRequest request, MessageParser<TResponse> parser)
        where TRequest : class, IMessage
        where TResponse : class, IMessage<TResponse> => on.CallAsync(service, method, request, parser);

    public Task UpsertTenantAsync(string tenant) =>
        Call(A, MembershipServiceName, "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = tenant, Tier = "pro" } }, UpsertTenantResponse.Parser);

    public Task<UpsertMembershipResponse> GrantAsync(string tenant, string principal, params string[] roles) =>
        Call(A, MembershipServiceName, "UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = tenant, PrincipalId = principal, Roles = { roles } },
        }, UpsertMembershipResponse.Parser);

    public Task<DeleteMembershipResponse> RevokeAsync(string tenant, string principal) =>
        Call(A, MembershipServiceName, "DeleteMembership", new DeleteMembershipRequest { TenantId = tenant, PrincipalId = principal }, DeleteMembershipResponse.Parser);

    public static CheckResourcesRequest CheckRequest(string tenant, string principal, string action, params string[] documentIds)
    {
        var request = new CheckResourcesRequest { RequestId = "cache-test", TenantId = tenant, PrincipalId = principal, IncludeMeta = true };
        foreach (var id in documentIds)
        {
            var resource = new Resource { Kind = "document", Id = id };
            resource.Attr["tenant_id"] = Value.ForString(tenant);
            resource.Attr["owner_id"] = Value.ForString("someone-else");
            request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { action } });
        }

        return request;
    }

    public static Task<CheckResourcesResponse> CheckAsync(AuthzServiceInstance on, CheckResourcesRequest request) =>
        Call(on, Authorization, "CheckResources", request, CheckResourcesResponse.Parser);

    /// <summary>Checks "read" on one document; returns its effect and where it came from.</summary>
    public static async Task<(Effect Effect, DecisionSource Source)> ReadAsync(
        AuthzServiceInstance on, string tenant, string principal, string document, Consistency? consistency = null)
    {
        var request = CheckRequest(tenant, principal, "read", document);
        request.Consistency = consistency;
        var result = (await CheckAsync(on, request)).Results[0];
        return (result.Actions["read"], result.Meta.Source);
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds; returns how long that took (reported as a latency, hence the 2 ms
    /// poll). Fails after <paramref name="guard"/>, by default <see cref="Bound"/>.
    /// </summary>
    public static Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? guard = null) =>
        Eventually.TrueAsync(condition, what, guard ?? Bound, TimeSpan.FromMilliseconds(2));

    /// <summary>Every L2 key of <paramref name="tenant"/> (test-only KEYS scan; the service never scans).</summary>
    public async Task<IReadOnlyList<string>> L2KeysAsync(string tenant)
    {
        using var redis = await TestRedisConnection.ConnectAsync(RedisConfiguration);
        Interlocked.Increment(ref _keyScans);
        return redis.Keys($"{Core.Caching.CacheOptions.DefaultKeyPrefix}*:{tenant.Length}:{tenant}:*");
    }

    /// <summary>Waits until L2 holds at least <paramref name="count"/> entries of <paramref name="tenant"/> (writes are fire and forget).</summary>
    public async Task<IReadOnlyList<string>> WaitForL2Async(string tenant, int count = 1)
    {
        IReadOnlyList<string> keys = [];
        await EventuallyAsync(async () => (keys = await L2KeysAsync(tenant)).Count >= count, $"{count} L2 entries of {tenant}");
        return keys;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_redisCluster is not null)
        {
            await _redisCluster.DisposeAsync();
        }
    }
}
