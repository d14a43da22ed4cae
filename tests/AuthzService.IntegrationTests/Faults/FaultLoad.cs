using System.Collections.Concurrent;
using AuthzService.Contracts.V1;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// Concurrent CheckResources load against one service while a dependency misbehaves, judged call by call against a
/// state that does not change during the run: alice (org_admin) may read and delete, bob (viewer) may only read,
/// carol's viewer membership was revoked before the load, mallory never was a member. An ALLOW for anything else is
/// a wrong allow whatever the dependency did; every call must answer within its deadline plus <see cref="Slack"/>.
/// </summary>
internal sealed class FaultLoad
{
    public const string Tenant = "acme";

    /// <summary>The documented bound on hanging: no call answers later than its deadline plus this.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    private static readonly string[] Principals = ["alice", "bob", "carol", "mallory"];
    private static readonly string[] Documents = ["doc-1", "doc-2", "doc-3"];

    private readonly ConcurrentDictionary<StatusCode, int> _statuses = new();
    private readonly ConcurrentDictionary<StatusCode, string> _details = new();
    private readonly ConcurrentQueue<string> _wrongAllows = new();
    private readonly ConcurrentQueue<string> _late = new();
    private readonly ConcurrentQueue<(DateTime At, StatusCode Status)> _timeline = new();
    private readonly TimeSpan _deadline;
    private long _calls;
    private long _allows;
    private long _maxTicks;

    public FaultLoad(TimeSpan deadline) => _deadline = deadline;

    public long Calls => Interlocked.Read(ref _calls);

    public long Allows => Interlocked.Read(ref _allows);

    public IReadOnlyCollection<string> WrongAllows => _wrongAllows;

    public IReadOnlyCollection<string> Late => _late;

    public TimeSpan MaxElapsed => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    public IReadOnlyDictionary<StatusCode, int> Statuses => _statuses;

    /// <summary>Statuses of the calls that started in [from, to).</summary>
    public IReadOnlyList<StatusCode> StatusesBetween(DateTime from, DateTime to) =>
        [.. _timeline.Where(t => t.At >= from && t.At < to).Select(t => t.Status)];

    /// <summary>Tenant, grants and the revoked member: written before any fault.</summary>
    public static async Task SeedAsync(Service.AuthzServiceInstance service)
    {
        await service.UpsertTenantAsync(Tenant, scope: Tenant);
        await service.GrantAsync(Tenant, "alice", "", "org_admin");
        await service.GrantAsync(Tenant, "bob", "", "viewer");
        await service.GrantAsync(Tenant, "carol", "", "viewer");
        await service.DeleteMembershipAsync(new DeleteMembershipRequest { TenantId = Tenant, PrincipalId = "carol" });
    }

    public static bool Warranted(string principal, string action) =>
        principal == "alice" || (principal == "bob" && action == "read");

    /// <summary>Runs <paramref name="workers"/> callers until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(Uri address, int workers, int seed, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(address, new Random(seed + w), stop))));

    private async Task WorkerAsync(Uri address, Random random, CancellationToken stop)
    {
        using var grpc = new RawGrpc(address);
        while (!stop.IsCancellationRequested)
        {
            var principal = Principals[random.Next(Principals.Length)];
            // Repeated documents hit the caches; fresh ones must reach the directory and Cerbos.
            var document = random.Next(2) == 0 ? Documents[random.Next(Documents.Length)] : Unique("fresh");
            var request = Check(Tenant, principal, Entry(Resource("document", document, Tenant), "read", "delete"));
            if (random.Next(2) == 0)
            {
                request.Consistency = new Consistency { FullyConsistent = true };
            }

            var started = DateTime.UtcNow;
            var answer = await grpc.CheckAsync(request, _deadline);
            Interlocked.Increment(ref _calls);
            _statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            _details.TryAdd(answer.Status, answer.Detail);
            _timeline.Enqueue((started, answer.Status));
            var ticks = answer.Elapsed.Ticks;
            long seen;
            while (ticks > (seen = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, seen) != seen)
            {
            }

            if (answer.Elapsed > _deadline + Slack)
            {
                _late.Enqueue($"{principal} {document} fully_consistent={request.Consistency is not null} {answer.Status} after {answer.Elapsed.TotalMilliseconds:F0} ms ({answer.Detail})");
            }

            foreach (var (action, effect) in answer.Response?.Results.SelectMany(r => r.Actions) ?? [])
            {
                if (effect == Effect.Allow)
                {
                    Interlocked.Increment(ref _allows);
                    if (!Warranted(principal, action))
                    {
                        _wrongAllows.Enqueue($"{principal} {action} {document} fully_consistent={request.Consistency is not null}");
                    }
                }
            }
        }
    }

    /// <summary>The one-line summary make test prints.</summary>
    public string Summary(string dependency, string mode) =>
        $"FAULTS: dependency={dependency} mode={mode} calls={Calls} allow={Allows} wrong_allow={WrongAllows.Count} late={Late.Count} " +
        $"max_ms={MaxElapsed.TotalMilliseconds:F0} deadline_ms={_deadline.TotalMilliseconds:F0} statuses={string.Join(',', Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))}";

    /// <summary>The first detail seen for each non-OK status, for the failure message.</summary>
    public string Details => string.Join("; ", _details.Where(d => d.Key != StatusCode.OK).Select(d => $"{d.Key}: {d.Value}"));

    /// <summary>Fails on any wrong allow or late answer, naming the first few.</summary>
    /// <summary>The load went on after <paramref name="recoveredAt"/> and every call since answered OK.</summary>
    public void AssertAllOkSince(DateTime recoveredAt)
    {
        var afterRecovery = StatusesBetween(recoveredAt, DateTime.MaxValue);
        Assert.IsNotEmpty(afterRecovery, "the load kept running after recovery");
        Assert.IsTrue(afterRecovery.All(s => s == StatusCode.OK), "after recovery every call answers: " + string.Join(',', afterRecovery.Distinct()));
    }

    public void AssertNoWrongAllowAndNoneLate()
    {
        Assert.IsEmpty(WrongAllows, "wrong allows:\n" + string.Join('\n', WrongAllows.Take(10)));
        Assert.IsEmpty(Late, $"answered later than deadline + {Slack.TotalMilliseconds} ms:\n" + string.Join('\n', Late.Take(10)));
        Assert.IsGreaterThan(0L, Allows, "nothing was allowed: the load proves nothing; " + Details);
    }
}
