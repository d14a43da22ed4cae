using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class CachingPrincipalSourceTests
{
    private readonly DictionaryLocalCache _l1 = new();
    private readonly ManualTimeProvider _time = new();
    private readonly CacheMetrics _metrics = new();
    private readonly Channel _channel = new();
    private readonly Directory _directory = new();
    private PrincipalCacheInvalidation _invalidation = null!;
    private CachingPrincipalSource _source = null!;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public void Initialize()
    {
        _invalidation = new PrincipalCacheInvalidation(_l1, _metrics, NullLogger<PrincipalCacheInvalidation>.Instance);
        _source = new CachingPrincipalSource(
            new DirectoryPrincipalSource(_directory), _invalidation, _l1, _channel, Options.Create(new CacheOptions()), _metrics, _time);
    }

    [TestCleanup]
    public void Cleanup() => _metrics.Dispose();

    private static RequestedPrincipal Request(string? team = null, Dictionary<string, object?>? context = null) =>
        new("acme", "alice", team, context ?? []);

    private ValueTask<PrincipalBuildResult> Get(RequestedPrincipal? request = null, Freshness? freshness = null) =>
        _source.GetAsync(request ?? Request(), freshness ?? Freshness.Default, TestContext.CancellationToken);

    [TestMethod]
    public async Task GetAsync_Repeated_ReadsDirectoryOnce()
    {
        await Get();
        var second = await Get();

        Assert.AreEqual(1, _directory.Reads);
        Assert.AreEqual("viewer", second.Principal!.Roles[0]);
    }

    [TestMethod]
    public async Task GetAsync_OtherTeamOrTenant_SeparateEntries()
    {
        await Get();
        await Get(Request(team: "t1"));
        await _source.GetAsync(new RequestedPrincipal("globex", "alice", null, new Dictionary<string, object?>()), Freshness.Default, TestContext.CancellationToken);

        Assert.AreEqual(3, _directory.Reads);
    }

    [TestMethod]
    public async Task GetAsync_CachedPrincipal_GetsThisRequestsContext()
    {
        await Get(Request(context: new Dictionary<string, object?> { ["mfa"] = false }));
        var second = await Get(Request(context: new Dictionary<string, object?> { ["mfa"] = true }));

        var context = (IReadOnlyDictionary<string, object?>)second.Principal!.Attributes[PrincipalAttributeKeys.Context]!;
        Assert.AreEqual(true, context["mfa"]);
    }

    [TestMethod]
    public async Task GetAsync_AfterPrincipalOrTenantNotification_ReadsAgain()
    {
        await Get();
        _invalidation.OnPrincipalChanged("acme", "alice", 8);
        await Get();
        _invalidation.OnTenantChanged("acme", 4);
        await Get();
        _invalidation.OnResync();
        await Get();
        _invalidation.OnPolicyEpochChanged(2);
        await Get();

        Assert.AreEqual(5, _directory.Reads);
        Assert.AreEqual(1, _l1.Clears);
    }

    [TestMethod]
    public async Task GetAsync_NotificationWhileReading_OldStateNotServedAfterwards()
    {
        // The read sees the old membership; the change commits and is notified before the read stores it.
        _directory.DuringRead = () => _invalidation.OnPrincipalChanged("acme", "alice", 8);
        await Get();
        _directory.DuringRead = null;

        await Get();

        Assert.AreEqual(2, _directory.Reads);
    }

    [TestMethod]
    public async Task GetAsync_TokenDemandsNewerVersion_ReadsAgain()
    {
        await Get();
        await Get(freshness: new Freshness(false, MinPrincipalVersion: 7));
        Assert.AreEqual(1, _directory.Reads, "version 7 is what is cached");

        _directory.PrincipalVersion = 8;
        var fresh = await Get(freshness: new Freshness(false, MinPrincipalVersion: 8));

        Assert.AreEqual(2, _directory.Reads);
        Assert.AreEqual(8, fresh.Principal!.PrincipalVersion);
    }

    [TestMethod]
    public async Task GetAsync_BypassCache_ReadsAgain()
    {
        await Get();
        await Get(freshness: new Freshness(BypassCache: true));

        Assert.AreEqual(2, _directory.Reads);
    }

    [TestMethod]
    public async Task GetAsync_NotListening_EntryLivesAtMostDegradedTtl()
    {
        await Get();
        _channel.IsListening = false;
        _time.Advance(new CacheOptions().DegradedPrincipalTtl / 2);
        await Get();
        Assert.AreEqual(1, _directory.Reads, "still within the degraded bound");

        _time.Advance(new CacheOptions().DegradedPrincipalTtl);
        await Get();

        Assert.AreEqual(2, _directory.Reads);
    }

    [TestMethod]
    public async Task GetAsync_UnknownTenant_NotCached()
    {
        _directory.TenantExists = false;
        await Get();
        await Get();

        Assert.AreEqual(2, _directory.Reads);
    }

    [TestMethod]
    public async Task GetAsync_TeamNamedBeforeJoining_NoTeamContextUntilTheJoinIsNotified()
    {
        // The principal cached for (acme, alice, red) while alice is not in red must not outlive her joining (or the reverse).
        var outside = await Get(Request(team: "red"));
        var outsideAgain = await Get(Request(team: "red"));
        _directory.Teams.Add("red");
        _directory.PrincipalVersion = 8;
        _invalidation.OnPrincipalChanged("acme", "alice", 8);
        var inside = await Get(Request(team: "red"));
        _directory.Teams.Remove("red");
        _directory.PrincipalVersion = 9;
        _invalidation.OnPrincipalChanged("acme", "alice", 9);
        var leftAgain = await Get(Request(team: "red"));

        Assert.IsNull(outside.Principal!.TeamId);
        Assert.IsFalse(outsideAgain.Principal!.Attributes.ContainsKey(PrincipalAttributeKeys.TeamId));
        Assert.AreEqual("red", inside.Principal!.TeamId);
        Assert.AreEqual("red", inside.Principal.Attributes[PrincipalAttributeKeys.TeamId]);
        CollectionAssert.AreEqual(new[] { "team_member", "viewer" }, inside.Principal.Roles.ToArray());
        Assert.IsNull(leftAgain.Principal!.TeamId);
        Assert.AreEqual(3, _directory.Reads);
    }

    private sealed class Channel : IInvalidationChannel
    {
        public bool IsListening { get; set; } = true;
    }

    private sealed class Directory : IDirectoryReader
    {
        public int Reads { get; private set; }

        public long PrincipalVersion { get; set; } = 7;

        public bool TenantExists { get; set; } = true;

        public Action? DuringRead { get; set; }

        /// <summary>Teams alice is a member of (role team_member).</summary>
        public HashSet<string> Teams { get; } = [];

        public Task<MembershipPage> ListMembershipsAsync(
            string tenantId, string? principalId, int pageSize, string? pageToken, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the principal cache never lists");

        public Task<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the principal cache never reads a tenant alone");

        public Task<TenantPage> ListTenantsAsync(int pageSize, string? pageToken, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the principal cache never lists");

        public Task<PrincipalSnapshot> ReadPrincipalAsync(string tenantId, string principalId, string? teamId, CancellationToken cancellationToken)
        {
            Reads++;
            var snapshot = new PrincipalSnapshot(
                TenantExists ? new TenantInfo(tenantId, tenantId, tenantId, TenantStatus.Active, "pro") : null,
                new Membership(tenantId, principalId, Membership.TenantWide, ["viewer"], new Dictionary<string, object?>()),
                teamId is not null && Teams.Contains(teamId)
                    ? new Membership(tenantId, principalId, teamId, ["team_member"], new Dictionary<string, object?>())
                    : null,
                3, PrincipalVersion, 1);
            DuringRead?.Invoke();
            return Task.FromResult(snapshot);
        }
    }
}
