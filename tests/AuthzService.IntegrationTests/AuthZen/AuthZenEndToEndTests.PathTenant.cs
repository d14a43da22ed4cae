using System.Net;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.AuthZen;

/// <summary>
/// A tenant id with a "/" in the path: Kestrel leaves "%2F" encoded (and decodes "%252F" to the same "%2F"), so the route
/// value named tenant "s%2Flash" for a request about tenant "s/lash": its members were denied (their resources' tenant_id
/// then differed from the tenant decided for), a resource without tenant_id would have been judged with the other
/// tenant's memberships, and the tenant's metadata named another PDP (found by the differential oracle, issue 14 point 2).
/// </summary>
public sealed partial class AuthZenEndToEndTests
{
    private const string SlashTenant = "s/lash";
    private const string LiteralTenant = "s%2Flash";

    [TestMethod]
    [DataRow("/tenants/{tenant}/access/v1/evaluation")]
    [DataRow("/{tenant}/access/v1/evaluation")]
    public async Task Evaluation_TenantWithSlashInPath_IsThatTenant_NotTheTenantNamedLikeItsEncoding(string template)
    {
        await s_service.UpsertTenantAsync(SlashTenant);
        await s_service.UpsertTenantAsync(LiteralTenant);
        await s_service.GrantAsync(SlashTenant, "sam", "", "viewer");
        await s_service.GrantAsync(LiteralTenant, "mallory", "", "viewer");
        var slash = template.Replace("{tenant}", Uri.EscapeDataString(SlashTenant), StringComparison.Ordinal);
        var literal = template.Replace("{tenant}", Uri.EscapeDataString(LiteralTenant), StringComparison.Ordinal);

        var samInSlash = await s_http.PostAsync(slash, Evaluation(SlashTenant, "sam", "read", tenantInSubject: false));
        var malloryInSlash = await s_http.PostAsync(slash, Evaluation(SlashTenant, "mallory", "read", tenantInSubject: false));
        var malloryInLiteral = await s_http.PostAsync(literal, Evaluation(LiteralTenant, "mallory", "read", tenantInSubject: false));
        var samInLiteral = await s_http.PostAsync(literal, Evaluation(LiteralTenant, "sam", "read", tenantInSubject: false));

        Assert.AreEqual(HttpStatusCode.OK, samInSlash.Status, samInSlash.ToString());
        Assert.IsTrue(samInSlash.Decision, $"{slash}: sam is a viewer of {SlashTenant}");
        Assert.AreEqual(HttpStatusCode.OK, malloryInSlash.Status, malloryInSlash.ToString());
        Assert.IsFalse(malloryInSlash.Decision, $"{slash}: mallory is a viewer of {LiteralTenant} only");
        Assert.AreEqual(HttpStatusCode.OK, malloryInLiteral.Status, malloryInLiteral.ToString());
        Assert.IsTrue(malloryInLiteral.Decision, $"{literal}: mallory is a viewer of {LiteralTenant}");
        Assert.AreEqual(HttpStatusCode.OK, samInLiteral.Status, samInLiteral.ToString());
        Assert.IsFalse(samInLiteral.Decision, $"{literal}: sam is a viewer of {SlashTenant} only");
    }

    [TestMethod]
    public async Task WellKnown_TenantWithSlash_PdpIsTheIdentifierTheUrlWasDerivedFrom()
    {
        await s_service.UpsertTenantAsync(SlashTenant);
        var escaped = Uri.EscapeDataString(SlashTenant);

        var response = await s_http.FetchAsync("/.well-known/authzen-configuration/tenants/" + escaped);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        var origin = s_service.HttpAddress!.ToString().TrimEnd('/');
        Assert.AreEqual($"{origin}/tenants/{escaped}", response.Json.GetProperty("policy_decision_point").GetString());
    }
}
