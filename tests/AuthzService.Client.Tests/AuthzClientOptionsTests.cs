using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzService.Client.Tests;

/// <summary>Options validation: every problem at once, naming the configuration keys.</summary>
[TestClass]
public sealed class AuthzClientOptionsTests
{
    [TestMethod]
    public void Validate_Defaults_OnlyAddressMissing()
    {
        var errors = new AuthzClientOptions().Validate();

        Assert.AreEqual("AuthzClient:Address is required (e.g. http://127.0.0.1:50051 or https://authz:50051).", errors.Single());
    }

    [TestMethod]
    public void Validate_ManyProblems_ReportsAllNamingKeys()
    {
        var options = new AuthzClientOptions
        {
            Address = "http://127.0.0.1:50051",
            CaCertificatePath = "/nonexistent/ca.crt",
            ClientCertificatePath = "/nonexistent/client.crt",
            DefaultTimeout = TimeSpan.Zero,
            RetryAttempts = 0,
        };

        var errors = options.Validate();

        var text = string.Join("\n", errors);
        StringAssert.Contains(text, "AuthzClient:Address 'http://127.0.0.1:50051' is plaintext");
        StringAssert.Contains(text, "AuthzClient:CaCertificatePath '/nonexistent/ca.crt' does not exist");
        StringAssert.Contains(text, "AuthzClient:ClientCertificatePath '/nonexistent/client.crt' does not exist");
        StringAssert.Contains(text, "AuthzClient:ClientCertificatePath and AuthzClient:ClientKeyPath must be set together");
        StringAssert.Contains(text, "AuthzClient:DefaultTimeout must be positive");
        StringAssert.Contains(text, "AuthzClient:RetryAttempts must be 1 to 10");
        Assert.HasCount(6, errors);
    }

    [TestMethod]
    public void Validate_AddressWithPath_Rejected()
    {
        var errors = new AuthzClientOptions { Address = "http://authz:50051/api" }.Validate();

        StringAssert.Contains(errors.Single(), "AuthzClient:Address");
    }

    [TestMethod]
    public void Constructor_InvalidOptions_ThrowsListingProblems()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new AuthzClient(new AuthzClientOptions { RetryAttempts = 0 }));

        StringAssert.Contains(ex.Message, "AuthzClient:Address");
        StringAssert.Contains(ex.Message, "AuthzClient:RetryAttempts");
    }

    [TestMethod]
    public async Task AddAuthzClient_InvalidConfiguration_HostStartFailsWithEveryKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthzClient:Address"] = "ftp://nope",
            ["AuthzClient:DefaultTimeout"] = "-00:00:01",
        });
        builder.Services.AddAuthzClient(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsExactlyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.HasCount(2, ex.Failures);
        StringAssert.Contains(ex.Message, "AuthzClient:Address");
        StringAssert.Contains(ex.Message, "AuthzClient:DefaultTimeout");
    }

    [TestMethod]
    public void AddAuthzClient_ValidConfiguration_BindsEveryKey()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthzClient:Address"] = "http://127.0.0.1:50051",
            ["AuthzClient:DefaultTimeout"] = "00:00:00.750",
            ["AuthzClient:RetryAttempts"] = "5",
        }).Build();
        services.AddAuthzClient(configuration);
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<AuthzClient>();

        Assert.AreEqual(new Uri("http://127.0.0.1:50051"), client.Address);
        Assert.AreEqual(TimeSpan.FromMilliseconds(750), client.DefaultTimeout);
        Assert.AreEqual(5, provider.GetRequiredService<IOptions<AuthzClientOptions>>().Value.RetryAttempts);
    }
}
