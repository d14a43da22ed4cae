using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
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
        var services = new ServiceCollection().AddLogging();
        // The options validator judges TLS settings by environment: Production, where verification is mandatory.
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Production });
        await using var provider = services.AddCerbosDecisionPoint(configuration).BuildServiceProvider();

        var pdp = provider.GetRequiredService<CerbosDecisionPoint>();
        var result = await pdp.CheckAsync(
            Check(Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read")),
            CancellationToken.None);

        Assert.IsNull(provider.GetService<IPolicyDecisionPoint>(), "the pipeline is the host's composition, not the adapter's");
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
    }
}
