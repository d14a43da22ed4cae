using AuthzService.Core.Memberships;

namespace AuthzService.IntegrationTests.Directory;

/// <summary>Tenant reads, listing filters and the created flag: part of the directory contract.</summary>
public abstract partial class DirectoryContractTests
{
    [TestMethod]
    public async Task UpsertTenant_FirstThenAgain_ReportsCreatedOnlyOnce()
    {
        var id = NewId("tenant");
        var tenant = new TenantInfo(id, "T", "", TenantStatus.Active, "free");

        var first = await Writer.UpsertTenantAsync(tenant, Cancel);
        var changed = await Writer.UpsertTenantAsync(tenant with { Tier = "pro" }, Cancel);
        var same = await Writer.UpsertTenantAsync(tenant with { Tier = "pro" }, Cancel);

        Assert.IsTrue(first.Created);
        Assert.IsTrue(changed.Changed);
        Assert.IsFalse(changed.Created);
        Assert.IsFalse(same.Changed);
        Assert.IsFalse(same.Created);
    }

    [TestMethod]
    public async Task UpsertMembership_FirstThenUpdate_ReportsCreatedOnlyOnce()
    {
        var tenant = await CreateTenantAsync();

        var first = await AddAsync(tenant, "alice", "", ["viewer"]);
        var update = await AddAsync(tenant, "alice", "", ["member"]);

        Assert.IsTrue(first.Created);
        Assert.IsFalse(update.Created);
        Assert.IsTrue(update.Changed);
        Assert.IsGreaterThan(first.Version, update.Version);
    }

    [TestMethod]
    public async Task GetTenant_ExistingAndMissing_ReturnsTenantOrNull()
    {
        var id = await CreateTenantAsync(scope: "acme", status: TenantStatus.Suspended);

        var found = await Reader.GetTenantAsync(id, Cancel);
        var missing = await Reader.GetTenantAsync(NewId("nope"), Cancel);

        Assert.IsNotNull(found);
        Assert.AreEqual(id, found.Id);
        Assert.AreEqual("acme", found.CerbosScope);
        Assert.AreEqual(TenantStatus.Suspended, found.Status);
        Assert.AreEqual("gold", found.Tier);
        Assert.IsNull(missing);
    }

    [TestMethod]
    public async Task ListTenants_PagedInIdOrder_SeesEveryTenantOnce()
    {
        var prefix = NewId("list");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateTenantAsync($"{prefix}-{i}"));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Reader.ListTenantsAsync(2, token, Cancel);
            Assert.IsLessThanOrEqualTo(2, page.Items.Count);
            seen.AddRange(page.Items.Select(t => t.Id));
            token = page.NextPageToken;
        }
        while (token is not null);

        // Other tests create tenants in parallel: ours must appear once each, in order, among them.
        var ours = seen.Where(s => s.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        CollectionAssert.AreEqual(ids, ours);
        CollectionAssert.AreEqual(seen.Order(StringComparer.Ordinal).ToList(), seen);
        Assert.HasCount(seen.Distinct().Count(), seen);
    }

    [TestMethod]
    public async Task ListMemberships_PrincipalFilter_ReturnsOnlyThatPrincipal()
    {
        var tenant = await CreateTenantAsync();
        await AddAsync(tenant, "alice", "", ["member"]);
        await AddAsync(tenant, "alice", "red", ["editor"]);
        await AddAsync(tenant, "bob", "", ["viewer"]);

        var page = await Reader.ListMembershipsAsync(tenant, "alice", 10, null, Cancel);

        CollectionAssert.AreEqual(new[] { "alice", "alice" }, page.Items.Select(m => m.PrincipalId).ToArray());
        CollectionAssert.AreEqual(new[] { "", "red" }, page.Items.Select(m => m.TeamId).ToArray());
        Assert.IsNull(page.NextPageToken);
    }
}
