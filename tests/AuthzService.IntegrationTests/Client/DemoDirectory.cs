using AuthzService.Client;
using AuthzService.Contracts;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;

namespace AuthzService.IntegrationTests.Client;

/// <summary>
/// A real service seeded through the client library with the same tenants and memberships as
/// scripts/demo-data.sql, so client and authzctl tests ask the questions the README shows.
/// </summary>
public static class DemoDirectory
{
    public static async Task<AuthzServiceInstance> StartSeededServiceAsync(string databasePrefix, CancellationToken cancellationToken)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync(databasePrefix, cancellationToken);
        var cerbos = await CerbosServerFixture.GetSharedAsync();
        var service = await AuthzServiceInstance.StartAsync(database, cerbos, cancellationToken: cancellationToken);
        using var client = new AuthzClient(new AuthzClientOptions { Address = service.Address.ToString(), DefaultTimeout = TimeSpan.FromSeconds(10) });
        await SeedAsync(client, cancellationToken);
        return service;
    }

    public static async Task SeedAsync(AuthzClient client, CancellationToken cancellationToken)
    {
        await client.UpsertTenantAsync(new Tenant { Id = "acme", DisplayName = "Acme Corp", CerbosScope = "acme", Tier = "pro" }, cancellationToken);
        await client.UpsertTenantAsync(new Tenant { Id = "globex", DisplayName = "Globex Inc", Tier = "free" }, cancellationToken);
        await client.UpsertTenantAsync(
            new Tenant { Id = "initech", DisplayName = "Initech LLC", Status = TenantStatus.Suspended, Tier = "enterprise" }, cancellationToken);
        var memberships = new (string Tenant, string Principal, string Team, string Role)[]
        {
            ("acme", "alice", "", "org_admin"), ("globex", "alice", "", "viewer"),
            ("acme", "bob", "", "member"), ("acme", "bob", "red", "team_lead"),
            ("acme", "carol", "", "viewer"), ("acme", "carol", "blue", "team_member"),
            ("globex", "dave", "", "member"), ("initech", "erin", "", "org_admin"),
        };
        foreach (var (tenant, principal, team, role) in memberships)
        {
            var membership = new Membership { TenantId = tenant, PrincipalId = principal, TeamId = team, Roles = { role } };
            if (principal == "alice" && tenant == "acme")
            {
                membership.Attr["department"] = ProtoValues.FromObject("it");
            }

            await client.UpsertMembershipAsync(membership, cancellationToken);
        }
    }
}
