using System.Text.Json;
using AuthzService.Core.Memberships;

namespace AuthzService.IntegrationTests.Directory;

/// <summary>
/// What every <see cref="IDirectoryReader"/>/<see cref="IDirectoryWriter"/> adapter must do. Each adapter
/// gets a subclass that supplies the instances. Tests run in parallel: each uses its own tenant ids.
/// </summary>
public abstract partial class DirectoryContractTests
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

    public TestContext TestContext { get; set; } = null!;

    protected abstract IDirectoryReader Reader { get; }

    protected abstract IDirectoryWriter Writer { get; }

    protected CancellationToken Cancel => TestContext.CancellationToken;

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected async Task<string> CreateTenantAsync(string? id = null, string scope = "", TenantStatus status = TenantStatus.Active)
    {
        id ??= NewId("tenant");
        await Writer.UpsertTenantAsync(new TenantInfo(id, "Tenant " + id, scope, status, "gold"), Cancel);
        return id;
    }

    protected Task<WriteResult> AddAsync(
        string tenant, string principal, string team, string[] roles, IReadOnlyDictionary<string, object?>? attributes = null) =>
        Writer.UpsertMembershipAsync(new Membership(tenant, principal, team, roles, attributes ?? NoAttributes), Cancel);

    [TestMethod]
    public async Task ReadPrincipal_SamePrincipalInTwoTenants_ReturnsOnlyThatTenantsRows()
    {
        var a = await CreateTenantAsync();
        var b = await CreateTenantAsync();
        await AddAsync(a, "alice", "", ["org_admin"]);
        await AddAsync(b, "alice", "", ["viewer"]);

        var inA = await Reader.ReadPrincipalAsync(a, "alice", null, Cancel);
        var inB = await Reader.ReadPrincipalAsync(b, "alice", null, Cancel);

        Assert.AreEqual(a, inA.Tenant!.Id);
        CollectionAssert.AreEqual(new[] { "org_admin" }, inA.TenantWide!.Roles.ToArray());
        Assert.AreEqual(a, inA.TenantWide.TenantId);
        CollectionAssert.AreEqual(new[] { "viewer" }, inB.TenantWide!.Roles.ToArray());
        Assert.IsNull(inA.Team);
    }

    [TestMethod]
    public async Task ReadPrincipal_OtherTeam_DoesNotSeeTeamRoles()
    {
        var tenant = await CreateTenantAsync();
        await AddAsync(tenant, "alice", "red", ["editor"]);

        var blue = await Reader.ReadPrincipalAsync(tenant, "alice", "blue", Cancel);
        var red = await Reader.ReadPrincipalAsync(tenant, "alice", "red", Cancel);
        var noTeam = await Reader.ReadPrincipalAsync(tenant, "alice", null, Cancel);

        Assert.IsNull(blue.Team);
        Assert.IsNull(blue.TenantWide);
        CollectionAssert.AreEqual(new[] { "editor" }, red.Team!.Roles.ToArray());
        Assert.AreEqual("red", red.Team.TeamId);
        Assert.IsNull(noTeam.Team);
        Assert.IsNull(noTeam.TenantWide);
    }

    [TestMethod]
    public async Task ReadPrincipal_SameTeamNameInOtherTenant_DoesNotLeak()
    {
        var a = await CreateTenantAsync();
        var b = await CreateTenantAsync();
        await AddAsync(a, "alice", "red", ["team_admin"]);

        var inB = await Reader.ReadPrincipalAsync(b, "alice", "red", Cancel);

        Assert.IsNull(inB.Team);
        Assert.IsNull(inB.TenantWide);
        Assert.AreEqual(b, inB.Tenant!.Id);
    }

    [TestMethod]
    public async Task ReadPrincipal_UnknownTenant_ReturnsNoTenantAndNoMemberships()
    {
        var snapshot = await Reader.ReadPrincipalAsync(NewId("missing"), "alice", "red", Cancel);

        Assert.IsNull(snapshot.Tenant);
        Assert.IsNull(snapshot.TenantWide);
        Assert.IsNull(snapshot.Team);
        Assert.AreEqual(0, snapshot.PrincipalVersion);
        Assert.IsGreaterThan(0, snapshot.PolicyEpoch);
    }

    [TestMethod]
    public async Task UpsertTenant_RoundTripsAllFields()
    {
        var id = NewId("tenant");
        await Writer.UpsertTenantAsync(new TenantInfo(id, "Acme Corp", "acme.eu", TenantStatus.Suspended, "platinum"), Cancel);

        var snapshot = await Reader.ReadPrincipalAsync(id, "alice", null, Cancel);

        Assert.AreEqual(new TenantInfo(id, "Acme Corp", "acme.eu", TenantStatus.Suspended, "platinum"), snapshot.Tenant);
    }

    [TestMethod]
    public async Task UpsertTenant_InvalidScope_ThrowsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<DirectoryException>(() =>
            Writer.UpsertTenantAsync(new TenantInfo(NewId("tenant"), "", "bad scope", TenantStatus.Active, ""), Cancel));

        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, ex.Code);
    }

    [TestMethod]
    public async Task UpsertTenant_ChangeAndRepeat_BumpsTenantVersionOnlyOnChange()
    {
        var id = NewId("tenant");
        var created = await Writer.UpsertTenantAsync(new TenantInfo(id, "A", "", TenantStatus.Active, ""), Cancel);
        var repeated = await Writer.UpsertTenantAsync(new TenantInfo(id, "A", "", TenantStatus.Active, ""), Cancel);
        var suspended = await Writer.UpsertTenantAsync(new TenantInfo(id, "A", "", TenantStatus.Suspended, ""), Cancel);

        Assert.IsTrue(created.Changed);
        Assert.IsFalse(repeated.Changed);
        Assert.AreEqual(created.Version, repeated.Version);
        Assert.IsTrue(suspended.Changed);
        Assert.IsGreaterThan(created.Version, suspended.Version);
        Assert.AreEqual(suspended.Version, (await Reader.ReadPrincipalAsync(id, "p", null, Cancel)).TenantVersion);
    }

    [TestMethod]
    public async Task UpsertMembership_ChangeAndRepeat_BumpsPrincipalVersionOnlyOnChange()
    {
        var tenant = await CreateTenantAsync();

        var first = await AddAsync(tenant, "alice", "", ["viewer", "editor"]);
        var reordered = await AddAsync(tenant, "alice", "", ["editor", "viewer", "viewer"]);
        var changed = await AddAsync(tenant, "alice", "", ["viewer"]);
        var snapshot = await Reader.ReadPrincipalAsync(tenant, "alice", null, Cancel);

        Assert.IsTrue(first.Changed);
        Assert.IsFalse(reordered.Changed);
        Assert.AreEqual(first.Version, reordered.Version);
        Assert.IsTrue(changed.Changed);
        Assert.IsGreaterThan(first.Version, changed.Version);
        Assert.AreEqual(changed.Version, snapshot.PrincipalVersion);
        CollectionAssert.AreEqual(new[] { "viewer" }, snapshot.TenantWide!.Roles.ToArray());
    }

    [TestMethod]
    public async Task UpsertMembership_UnknownTenant_ThrowsTenantNotFound()
    {
        var ex = await Assert.ThrowsAsync<DirectoryException>(() => AddAsync(NewId("missing"), "alice", "", ["viewer"]));
        var teamEx = await Assert.ThrowsAsync<DirectoryException>(() => AddAsync(NewId("missing"), "alice", "red", ["viewer"]));

        Assert.AreEqual(DirectoryErrorCode.TenantNotFound, ex.Code);
        Assert.AreEqual(DirectoryErrorCode.TenantNotFound, teamEx.Code);
    }

    [TestMethod]
    public async Task UpsertMembership_Attributes_RoundTrip()
    {
        var tenant = await CreateTenantAsync();
        var attributes = new Dictionary<string, object?>
        {
            ["dept"] = "sales",
            ["level"] = 3L,
            ["ratio"] = 0.5,
            ["active"] = true,
            ["none"] = null,
            ["tags"] = new List<object?> { "a", 1L },
            ["nested"] = new Dictionary<string, object?> { ["k"] = "v" },
        };
        await AddAsync(tenant, "alice", "", ["viewer"], attributes);

        var snapshot = await Reader.ReadPrincipalAsync(tenant, "alice", null, Cancel);

        Assert.AreEqual(Canonical(attributes), Canonical(snapshot.TenantWide!.Attributes));
    }

    [TestMethod]
    public async Task DeleteMembership_Existing_IsGoneAndRepeatIsNoChange()
    {
        var tenant = await CreateTenantAsync();
        var added = await AddAsync(tenant, "alice", "", ["viewer"]);
        await AddAsync(tenant, "alice", "red", ["editor"]);

        var deleted = await Writer.DeleteMembershipAsync(tenant, "alice", null, Cancel);
        var again = await Writer.DeleteMembershipAsync(tenant, "alice", "", Cancel);
        var snapshot = await Reader.ReadPrincipalAsync(tenant, "alice", "red", Cancel);

        Assert.IsTrue(deleted.Changed);
        Assert.IsGreaterThan(added.Version, deleted.Version);
        Assert.IsFalse(again.Changed);
        Assert.AreEqual(deleted.Version, again.Version);
        Assert.IsNull(snapshot.TenantWide);
        Assert.IsNotNull(snapshot.Team);
        Assert.AreEqual(deleted.Version, snapshot.PrincipalVersion);
    }

    [TestMethod]
    public async Task DeleteTenant_WithMemberships_RemovesEverythingAndNeverReusesVersions()
    {
        var tenant = await CreateTenantAsync();
        var membership = await AddAsync(tenant, "alice", "red", ["editor"]);
        var before = await Reader.ReadPrincipalAsync(tenant, "alice", "red", Cancel);

        var deleted = await Writer.DeleteTenantAsync(tenant, Cancel);
        var again = await Writer.DeleteTenantAsync(tenant, Cancel);
        await CreateTenantAsync(tenant);
        var after = await Reader.ReadPrincipalAsync(tenant, "alice", "red", Cancel);

        Assert.IsTrue(deleted.Changed);
        Assert.IsFalse(again.Changed);
        Assert.IsNull(after.Team);
        Assert.IsGreaterThan(before.TenantVersion, after.TenantVersion);
        Assert.IsGreaterThan(membership.Version, after.PrincipalVersion);
    }

    [TestMethod]
    public async Task Ids_WithSpecialCharacters_RoundTrip()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var tenant = await CreateTenantAsync("t:/%{}\n" + suffix);
        string[] principals = ["user:42/a%20b{x}", "line\nbreak", "ünïcødé 🙂", new string('p', 128)];
        var team = ("team/%{:}\n" + suffix).PadRight(128, 'z');

        foreach (var principal in principals)
        {
            await AddAsync(tenant, principal, team, ["editor"]);
        }

        foreach (var principal in principals)
        {
            var snapshot = await Reader.ReadPrincipalAsync(tenant, principal, team, Cancel);
            Assert.AreEqual(tenant, snapshot.Tenant!.Id);
            Assert.AreEqual(principal, snapshot.Team!.PrincipalId);
            Assert.AreEqual(team, snapshot.Team.TeamId);
        }

        var listed = await Reader.ListMembershipsAsync(tenant, null, 10, null, Cancel);
        CollectionAssert.AreEquivalent(principals, listed.Items.Select(m => m.PrincipalId).ToArray());
    }

    [TestMethod]
    public async Task Ids_129Characters_AreRejected()
    {
        var tenant = await CreateTenantAsync();
        var tooLong = new string('x', 129);

        var tenantEx = await Assert.ThrowsAsync<DirectoryException>(() => CreateTenantAsync(tooLong));
        var principalEx = await Assert.ThrowsAsync<DirectoryException>(() => AddAsync(tenant, tooLong, "", ["viewer"]));
        var teamEx = await Assert.ThrowsAsync<DirectoryException>(() => AddAsync(tenant, "alice", tooLong, ["viewer"]));
        var emptyEx = await Assert.ThrowsAsync<DirectoryException>(() => AddAsync(tenant, "", "", ["viewer"]));

        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, tenantEx.Code);
        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, principalEx.Code);
        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, teamEx.Code);
        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, emptyEx.Code);
    }

    [TestMethod]
    public async Task ListMemberships_Paged_IsOrderedCompleteAndStable()
    {
        var tenant = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        var expected = new List<(string, string)>();
        for (var i = 0; i < 23; i++)
        {
            var principal = $"user-{i % 9:D2}";
            var team = i < 9 ? "" : $"team-{i:D2}";
            await AddAsync(tenant, principal, team, ["viewer"]);
            expected.Add((principal, team));
        }

        await AddAsync(other, "user-00", "", ["viewer"]);
        expected.Sort((x, y) => x.Item1 != y.Item1 ? string.CompareOrdinal(x.Item1, y.Item1) : string.CompareOrdinal(x.Item2, y.Item2));

        var seen = new List<(string, string)>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Reader.ListMembershipsAsync(tenant, null, 5, token, Cancel);
            Assert.IsLessThanOrEqualTo(5, page.Items.Count);
            Assert.IsTrue(page.Items.All(m => m.TenantId == tenant));
            seen.AddRange(page.Items.Select(m => (m.PrincipalId, m.TeamId)));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 100);

        CollectionAssert.AreEqual(expected, seen);
        Assert.AreEqual(5, pages);
    }

    [TestMethod]
    public async Task ListMemberships_ExactlyOnePage_HasNoNextToken()
    {
        var tenant = await CreateTenantAsync();
        await AddAsync(tenant, "a", "", ["viewer"]);
        await AddAsync(tenant, "b", "", ["viewer"]);

        var page = await Reader.ListMembershipsAsync(tenant, null, 2, null, Cancel);
        var empty = await Reader.ListMembershipsAsync(await CreateTenantAsync(), null, 2, null, Cancel);

        Assert.HasCount(2, page.Items);
        Assert.IsNull(page.NextPageToken);
        Assert.IsEmpty(empty.Items);
        Assert.IsNull(empty.NextPageToken);
    }

    [TestMethod]
    public async Task ListMemberships_BadOrForeignToken_ThrowsInvalidArgument()
    {
        var tenant = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        await AddAsync(tenant, "a", "", ["viewer"]);
        await AddAsync(tenant, "b", "", ["viewer"]);
        var token = (await Reader.ListMembershipsAsync(tenant, null, 1, null, Cancel)).NextPageToken!;

        var garbage = await Assert.ThrowsAsync<DirectoryException>(() => Reader.ListMembershipsAsync(tenant, null, 1, "not a token!", Cancel));
        var foreign = await Assert.ThrowsAsync<DirectoryException>(() => Reader.ListMembershipsAsync(other, null, 1, token, Cancel));

        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, garbage.Code);
        Assert.AreEqual(DirectoryErrorCode.InvalidArgument, foreign.Code);
    }

    [TestMethod]
    public async Task Bumps_ReturnIncreasingVersionsSeenByReader()
    {
        var tenant = await CreateTenantAsync();
        var before = await Reader.ReadPrincipalAsync(tenant, "alice", null, Cancel);

        var principal1 = await Writer.BumpPrincipalAsync(tenant, "alice", Cancel);
        var principal2 = await Writer.BumpPrincipalAsync(tenant, "alice", Cancel);
        var tenantVersion = await Writer.BumpTenantAsync(tenant, Cancel);
        var epoch = await Writer.BumpPolicyEpochAsync("bundle-1", Cancel);
        var after = await Reader.ReadPrincipalAsync(tenant, "alice", null, Cancel);

        Assert.IsGreaterThan(before.PrincipalVersion, principal1);
        Assert.IsGreaterThan(principal1, principal2);
        Assert.IsGreaterThan(before.TenantVersion, tenantVersion);
        Assert.IsGreaterThan(before.PolicyEpoch, epoch);
        Assert.AreEqual(principal2, after.PrincipalVersion);
        Assert.AreEqual(tenantVersion, after.TenantVersion);
        Assert.IsGreaterThanOrEqualTo(epoch, after.PolicyEpoch);
    }

    private static string Canonical(object? value) => JsonSerializer.Serialize(Sort(value));

    private static object? Sort(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => new SortedDictionary<string, object?>(
            map.ToDictionary(p => p.Key, p => Sort(p.Value)), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(Sort).ToList(),
        _ => value,
    };
}
