using AuthzService.Core.Caching;
using AuthzService.Core.Invalidation;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Infrastructure.Cerbos.Internal;
using AuthzService.IntegrationTests.Directory;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>Pure tests (no network) of reading Cerbos's policy-store metrics and deciding when to bump the epoch.</summary>
[TestClass]
public sealed class CerbosPolicyWatcherTests
{
    // As Cerbos 0.55 prints them (disk driver, after one update), with the lines that must not matter.
    private const string DiskAfterUpdate = """
        # HELP cerbos_dev_index_entry_count Number of entries in the index
        # TYPE cerbos_dev_index_entry_count gauge
        cerbos_dev_cache_access_count_total{kind="glob",result="hit"} 7
        cerbos_dev_compiler_compile_duration_milliseconds_count{status="success"} 5
        cerbos_dev_index_crud_count_total{kind="update"} 1
        cerbos_dev_index_entry_count 6
        cerbos_dev_store_last_successful_refresh{driver="disk"} 1.79622128626e+12
        cerbos_dev_store_poll_count_total{driver="disk"} 1
        go_goroutines 42
        process_start_time_seconds 1.79622127667e+09
        """;

    private static string Git(long polls, long refresh, int updates = 0, string start = "1.7e+09")
    {
        var crud = updates > 0 ? $"cerbos_dev_index_crud_count_total{{kind=\"update\"}} {updates}" : string.Empty;
        return $$"""
            cerbos_dev_index_entry_count 6
            {{crud}}
            cerbos_dev_store_last_successful_refresh{driver="git"} {{refresh}}
            cerbos_dev_store_poll_count_total{driver="git"} {{polls}}
            process_start_time_seconds {{start}}
            """;
    }

    [TestMethod]
    public void Parse_DiskMetrics_KeepsIndexAndDiskRefreshCountersOnly()
    {
        var state = PolicyStoreState.Parse(DiskAfterUpdate)!;

        Assert.AreEqual("1796221276.67", state.Process);
        Assert.Contains("cerbos_dev_index_crud_count_total{kind=\"update\"} 1", state.Fingerprint);
        Assert.Contains("cerbos_dev_store_poll_count_total{driver=\"disk\"} 1", state.Fingerprint);
        Assert.DoesNotContain("glob", state.Fingerprint);
        Assert.DoesNotContain("compile", state.Fingerprint);
    }

    [TestMethod]
    public void Parse_GitPollsWithoutChanges_SameFingerprint() =>
        Assert.AreEqual(PolicyStoreState.Parse(Git(1, 1000)), PolicyStoreState.Parse(Git(2, 2000)));

    [TestMethod]
    public void Parse_GitPollThatChangedAPolicy_OtherFingerprint() =>
        Assert.AreNotEqual(PolicyStoreState.Parse(Git(1, 1000)), PolicyStoreState.Parse(Git(2, 2000, updates: 1)));

    [TestMethod]
    [DataRow("")]
    [DataRow("go_goroutines 3\nprocess_start_time_seconds 1\n")]
    [DataRow("<html>not metrics</html>")]
    public void Parse_NoPolicyIndexMetrics_Null(string text) =>
        Assert.IsNull(PolicyStoreState.Parse(text));

    [TestMethod]
    public void Tracker_FirstReadingThenNoChange_NoBump()
    {
        var tracker = new PolicyStoreTracker();

        var bumps = Readings(tracker, Git(1, 1), Git(2, 2), Git(3, 3), Git(4, 4));

        CollectionAssert.AreEqual(new[] { false, false, false, false }, bumps);
    }

    [TestMethod]
    public void Tracker_PolicyUpdated_BumpsThenSettlesOnce()
    {
        var tracker = new PolicyStoreTracker();

        var bumps = Readings(tracker, Git(1, 1), Git(2, 2), Git(3, 3), Git(4, 4, updates: 1), Git(5, 5, updates: 1), Git(6, 6, updates: 1));

        CollectionAssert.AreEqual(new[] { false, false, false, true, true, false }, bumps);
    }

    [TestMethod]
    public void Tracker_CerbosRestarted_Bumps()
    {
        var tracker = new PolicyStoreTracker();

        var bumps = Readings(tracker, Git(1, 1), Git(2, 2), Git(3, 3), Git(1, 1, start: "1.8e+09"));

        Assert.IsTrue(bumps[^1], "a restarted Cerbos may have loaded other policies");
    }

    [TestMethod]
    public void Tracker_ReadingsAlternateBetweenTwoUnchangedReplicas_NoBumpOnceBothAreKnown()
    {
        var tracker = new PolicyStoreTracker();
        var a = Git(1, 1, start: "1");
        var b = Git(1, 1, updates: 2, start: "2");

        var bumps = Readings(tracker, a, b, a, b, a, b, a, b);

        CollectionAssert.AreEqual(new[] { false, true, true, false, false, false, false, false }, bumps);
    }

    [TestMethod]
    public void Tracker_BumpFailed_StaysDueUntilMade()
    {
        var tracker = new PolicyStoreTracker();
        tracker.Observe(PolicyStoreState.Parse(Git(1, 1))!);
        tracker.Observe(PolicyStoreState.Parse(Git(2, 2, updates: 1))!);

        tracker.Observe(PolicyStoreState.Parse(Git(3, 3, updates: 1))!);

        Assert.IsTrue(tracker.BumpDue);
    }

    [TestMethod]
    public async Task PollAsync_PolicyStoreChanged_BumpsTheEpochAndTellsThisReplica()
    {
        var directory = new InMemoryDirectory();
        var sink = new RecordingSink();
        var reader = new FakeReader(Git(1, 1));
        var watcher = NewWatcher(directory, sink);
        await watcher.PollAsync(reader, CancellationToken.None);
        await watcher.PollAsync(reader, CancellationToken.None);
        await watcher.PollAsync(reader, CancellationToken.None);
        var before = sink.Epochs.Count;

        reader.Text = Git(2, 2, updates: 1);
        await watcher.PollAsync(reader, CancellationToken.None);

        Assert.AreEqual(before + 1, sink.Epochs.Count);
        Assert.AreEqual(await directory.BumpPolicyEpochAsync(null, CancellationToken.None) - 1, sink.Epochs[^1], "the bump went to the shared epoch");
    }

    [TestMethod]
    public async Task PollAsync_CerbosUnreachable_NoBumpAndTheCacheFallsBackToTheShortTtl()
    {
        var sink = new RecordingSink();
        var l1 = new CountingLocalCache();
        var state = new PolicyWatchState(enabled: true, TimeSpan.FromSeconds(5));
        var watcher = NewWatcher(new InMemoryDirectory(), sink, state, l1);
        var reader = new FakeReader(Git(1, 1));
        Assert.IsFalse(state.Trusted, "not confirmed before the first reading");
        await watcher.PollAsync(reader, CancellationToken.None);
        Assert.IsTrue(state.Trusted, "confirmed by the first reading");

        reader.Text = null;
        var reachable = await watcher.PollAsync(reader, CancellationToken.None);

        Assert.IsFalse(reachable);
        Assert.IsEmpty(sink.Epochs);
        Assert.IsFalse(state.Trusted, "a failed reading must drop the cache back to the short TTL");
        Assert.AreEqual(1, l1.Clears, "what was cached with the full TTL must go");

        reader.Text = "<html>metrics are off</html>";
        await watcher.PollAsync(reader, CancellationToken.None);
        Assert.IsFalse(state.Trusted, "a page without the policy index metrics confirms nothing");

        reader.Text = Git(2, 2);
        await watcher.PollAsync(reader, CancellationToken.None);
        Assert.IsTrue(state.Trusted);
    }

    [TestMethod]
    public async Task PollAsync_ChangeSeenButBumpFails_StaysUnconfirmedUntilTheBumpIsMade()
    {
        var directory = new InMemoryDirectory();
        var state = new PolicyWatchState(enabled: true, TimeSpan.FromSeconds(5));
        var watcher = NewWatcher(directory, new RecordingSink(), state, new CountingLocalCache());
        var reader = new FakeReader(Git(1, 1));
        await watcher.PollAsync(reader, CancellationToken.None);
        directory.FailBumps = true;

        reader.Text = Git(2, 2, updates: 1);
        await watcher.PollAsync(reader, CancellationToken.None);
        Assert.IsFalse(state.Trusted);

        directory.FailBumps = false;
        await watcher.PollAsync(reader, CancellationToken.None);
        Assert.IsTrue(state.Trusted);
        Assert.AreEqual(1, watcher.Bumps);
    }

    private static CerbosPolicyWatcher NewWatcher(InMemoryDirectory directory, RecordingSink sink) =>
        NewWatcher(directory, sink, new PolicyWatchState(enabled: true, TimeSpan.FromSeconds(5)), new CountingLocalCache());

    private static CerbosPolicyWatcher NewWatcher(InMemoryDirectory directory, RecordingSink sink, PolicyWatchState state, CountingLocalCache l1) =>
        new(new CerbosOptions(), directory, sink, state, l1, new CapturingLoggerProvider().CreateLogger("test"), TimeProvider.System, () => new FakeReader(null));

    private static bool[] Readings(PolicyStoreTracker tracker, params string[] texts) =>
        [.. texts.Select(text =>
        {
            tracker.Observe(PolicyStoreState.Parse(text)!);
            var due = tracker.BumpDue;
            tracker.Bumped();
            return due;
        })];

    private sealed class CountingLocalCache : ILocalCache
    {
        public int Clears { get; private set; }

        public bool TryGet<T>(object key, out T? value)
            where T : class
        {
            value = null;
            return false;
        }

        public void Store(object key, object value, TimeSpan ttl)
        {
        }

        public void Remove(object key)
        {
        }

        public void Clear() => Clears++;
    }

    private sealed class FakeReader(string? text) : ICerbosMetricsReader
    {
        public string? Text { get; set; } = text;

        public Task<string> ReadAsync(CancellationToken cancellationToken) =>
            Text is null ? throw new HttpRequestException("connection refused") : Task.FromResult(Text);
    }

    private sealed class RecordingSink : IInvalidationSink
    {
        public List<long> Epochs { get; } = [];

        public void OnPrincipalChanged(string tenantId, string principalId, long version)
        {
        }

        public void OnTenantChanged(string tenantId, long version)
        {
        }

        public void OnPolicyEpochChanged(long epoch) => Epochs.Add(epoch);

        public void OnResync()
        {
        }
    }
}
