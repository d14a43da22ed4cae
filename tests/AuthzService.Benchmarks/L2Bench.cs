using System.Globalization;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure.Caching;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Benchmarks;

/// <summary>
/// The L2 decision cache alone against a Redis (no gRPC, no PDP): the service's own <see cref="ISharedDecisionCache"/>
/// as <c>AddDecisionCache</c> registers it, reading <c>keys</c> signed entries per call (one CheckResources with that
/// many resources, all L2 hits) and, in the store run, writing them. Output as <see cref="LoadLoop"/>.
/// </summary>
internal static class L2Bench
{
    public static async Task<string> RunAsync(string redis, string mode, int keysPerCall, int concurrency, int total)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["Cache:SigningKey"] = Convert.ToBase64String(new byte[32]),
            ["Cache:RedisTimeout"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddOptions<CacheOptions>().Bind(configuration.GetSection(CacheOptions.SectionName));
        services.AddSingleton<IPolicyDecisionPoint>(_ => throw new NotSupportedException());
        services.AddSingleton<IPrincipalSource>(_ => throw new NotSupportedException());
        services.AddDecisionCache(configuration, _ => "Host=unused");
        await using var provider = services.BuildServiceProvider();
        var l2 = provider.GetRequiredService<ISharedDecisionCache>();

        var run = Guid.NewGuid().ToString("N")[..8];
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        CachedDecision[] Entries(long call) => [.. Enumerable.Range(0, keysPerCall).Select(k =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{CacheOptions.DefaultKeyPrefix}{DecisionCacheKey.FormatVersion}:1:5:bench:1:5:alice:1:{run}-{call}-{k}");
            return new CachedDecision(key, "bench", 1, "alice", 1, 1, string.Empty, expires,
                new ResourceDecision("document", $"doc-{k}", new Dictionary<string, Effect> { ["read"] = Effect.Allow }, new Dictionary<string, ActionMatch>(), [], []));
        })];

        // Connected before the clock starts (reads skip L2 while it connects).
        var probe = Entries(-1);
        var probeKeys = probe.Select(e => e.Key).ToArray();
        for (var i = 0; i < 500 && (await l2.GetAsync(probeKeys, CancellationToken.None)).Any(e => e is null); i++)
        {
            l2.Store(probe);
            await Task.Delay(20);
        }

        if (mode == "get")
        {
            // A fixed working set of 256 calls' entries, stored once, read over and over.
            var sets = Enumerable.Range(0, 256).Select(i => Entries(i)).ToArray();
            foreach (var set in sets)
            {
                l2.Store(set);
            }

            var keys = sets.Select(s => (IReadOnlyList<string>)[.. s.Select(e => e.Key)]).ToArray();
            await Task.Delay(500);
            return await LoadLoop.RunAsync(async i =>
            {
                var got = await l2.GetAsync(keys[i % keys.Length], CancellationToken.None);
                if (got.Any(e => e is null))
                {
                    throw new InvalidOperationException("L2 miss");
                }
            }, concurrency, total);
        }

        // store: the write of a miss's answers, then reading them back once they are there (writes are fire and forget).
        return await LoadLoop.RunAsync(async i =>
        {
            var entries = Entries(i);
            l2.Store(entries);
            IReadOnlyList<string> keys = [.. entries.Select(e => e.Key)];
            for (var attempt = 0; (await l2.GetAsync(keys, CancellationToken.None)).Any(e => e is null); attempt++)
            {
                if (attempt > 1000)
                {
                    throw new InvalidOperationException("not stored");
                }

                await Task.Yield();
            }
        }, concurrency, total);
    }
}
