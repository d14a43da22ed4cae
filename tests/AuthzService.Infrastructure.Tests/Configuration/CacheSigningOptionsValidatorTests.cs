using AuthzService.Infrastructure.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AuthzService.Infrastructure.Tests.Configuration;

[TestClass]
public sealed class CacheSigningOptionsValidatorTests
{
    private const string Key32 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private const string OtherKey = "c2Vjb25kLWtleS1zZWNvbmQta2V5LXNlY29uZC1rZXktc2Vjb25kLWtleS0wMDA=";

    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static List<string> Failures(string? key, string? previous = null, bool redis = true, string environment = "Production")
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(redis ? [new("ConnectionStrings:Redis", "127.0.0.1:6379")] : [])
            .Build();
        var options = new CacheSigningOptions { SigningKey = key, PreviousSigningKey = previous };
        return new CacheSigningOptionsValidator(new Env(environment), configuration).Validate(null, options).Failures?.ToList() ?? [];
    }

    [TestMethod]
    public void Validate_KeyOf32Bytes_Passes()
    {
        Assert.IsEmpty(Failures(Key32));
        Assert.IsEmpty(Failures(Key32, OtherKey));
    }

    [TestMethod]
    public void Validate_NoKeyWithRedisInProduction_IsRefusedNamingTheKey()
    {
        StringAssert.StartsWith(Failures(null).Single(), "Cache:SigningKey (env Cache__SigningKey): is required outside Development when L2 (ConnectionStrings:Redis) is configured");
        Assert.HasCount(1, Failures("  "));
    }

    [TestMethod]
    public void Validate_NoKeyInDevelopmentOrWithoutRedis_Passes()
    {
        Assert.IsEmpty(Failures(null, environment: "Development"));
        Assert.IsEmpty(Failures(null, redis: false));
    }

    [TestMethod]
    public void Validate_KeyShorterThan32Bytes_IsRefusedWithoutQuotingIt()
    {
        var shortKey = Convert.ToBase64String(new byte[31]);

        var failure = Failures(shortKey).Single();

        StringAssert.StartsWith(failure, "Cache:SigningKey (env Cache__SigningKey): must decode to at least 32 bytes (got 31)");
        Assert.IsFalse(failure.Contains(shortKey, StringComparison.Ordinal));
    }

    [TestMethod]
    public void Validate_KeyNotBase64_IsRefusedWithoutQuotingIt()
    {
        const string Bad = "this is not base64 at all, but long enough to be a key!";

        var failure = Failures(Bad).Single();

        StringAssert.StartsWith(failure, "Cache:SigningKey (env Cache__SigningKey): is not valid base64");
        Assert.IsFalse(failure.Contains(Bad, StringComparison.Ordinal));
    }

    [TestMethod]
    public void Validate_BadKeyEvenWithoutRedisOrInDevelopment_IsRefused()
    {
        Assert.HasCount(1, Failures("c2hvcnQ=", redis: false));
        Assert.HasCount(1, Failures("c2hvcnQ=", environment: "Development"));
    }

    [TestMethod]
    public void Validate_BadPreviousKey_IsRefusedNamingIt()
    {
        StringAssert.StartsWith(Failures(Key32, "c2hvcnQ=").Single(), "Cache:PreviousSigningKey (env Cache__PreviousSigningKey): must decode to at least 32 bytes");
        StringAssert.StartsWith(Failures(Key32, "%%%").Single(), "Cache:PreviousSigningKey (env Cache__PreviousSigningKey): is not valid base64");
    }

    [TestMethod]
    public void Validate_PreviousKeyWithoutCurrentKey_IsRefused()
    {
        var failures = Failures(null, Key32, redis: false);

        StringAssert.StartsWith(failures.Single(), "Cache:PreviousSigningKey (env Cache__PreviousSigningKey): is only accepted together with Cache:SigningKey");
    }
}
