using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

[TestClass]
public sealed class CerbosServiceCollectionExtensionsTests
{
    [TestMethod]
    public async Task AddCerbosDecisionPoint_ConfigurationFromEnvironmentNames_DecidesAgainstCerbos()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cerbos:Address"] = server.GrpcAddress.ToString(),
            ["Cerbos:Tls:CaCertificate"] = server.CaCertPath,
            ["Cerbos:Tls:ClientCertificate"] = server.ClientCertPath,
            ["Cerbos:Tls:ClientKey"] = server.ClientKeyPath,
            ["Cerbos:DefaultTimeout"] = "00:00:03",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddCerbosDecisionPoint(configuration).BuildServiceProvider();

        var pdp = provider.GetRequiredService<IPolicyDecisionPoint>();
        var result = await pdp.CheckAsync(
            Check(Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read")),
            CancellationToken.None);

        Assert.IsInstanceOfType<CerbosDecisionPoint>(pdp);
        Assert.AreSame(pdp, provider.GetRequiredService<CerbosDecisionPoint>());
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
    }
}
