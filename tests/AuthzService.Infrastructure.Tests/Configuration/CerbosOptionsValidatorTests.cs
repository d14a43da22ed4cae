using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Caching;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Infrastructure.Postgres;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AuthzService.Infrastructure.Tests.Configuration;

[TestClass]
public sealed class CerbosOptionsValidatorTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static string _certFile = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _certFile = Path.GetTempFileName();
        File.WriteAllText(_certFile, "-----BEGIN CERTIFICATE-----\n");
    }

    [ClassCleanup]
    public static void Cleanup() => File.Delete(_certFile);

    private static CerbosOptions Valid() => new()
    {
        Address = new Uri("https://127.0.0.1:3593"),
        Tls = new CerbosTlsOptions { CaCertificate = _certFile, ClientCertificate = _certFile, ClientKey = _certFile },
    };

    private static List<string> Failures(CerbosOptions options, string environment = "Production") =>
        new CerbosOptionsValidator(new Env(environment)).Validate(null, options).Failures?.ToList() ?? [];

    [TestMethod]
    public void Validate_CompleteMutualTls_Passes()
    {
        Assert.IsEmpty(Failures(Valid()));
    }

    [TestMethod]
    public void Validate_VerifyFalseInProduction_IsRefused()
    {
        var options = Valid();
        options.Tls.Verify = false;
        var failures = Failures(options);
        Assert.HasCount(1, failures);
        StringAssert.StartsWith(failures[0], "Cerbos:Tls:Verify (env Cerbos__Tls__Verify)");
    }

    [TestMethod]
    public void Validate_VerifyFalseInDevelopment_IsAllowed()
    {
        var options = Valid();
        options.Tls.Verify = false;
        Assert.IsEmpty(Failures(options, "Development"));
    }

    [TestMethod]
    public void Validate_MissingAddress_NamesKey()
    {
        var options = Valid();
        options.Address = null;
        StringAssert.StartsWith(Failures(options).Single(), "Cerbos:Address (env Cerbos__Address): is required");
    }

    [TestMethod]
    public void Validate_PolicyWatchOverHttpsWithInterval_Passes()
    {
        var options = Valid();
        options.PolicyWatch.Address = new Uri("https://127.0.0.1:3592");
        options.PolicyWatch.Interval = TimeSpan.FromSeconds(5);
        Assert.IsEmpty(Failures(options));
    }

    [TestMethod]
    public void Validate_PolicyWatchPlaintextOutsideDevelopmentBadIntervalAndTtl_NamesEveryKey()
    {
        var options = Valid();
        options.PolicyWatch.Address = new Uri("http://127.0.0.1:3592");
        options.PolicyWatch.Interval = TimeSpan.Zero;
        options.PolicyWatch.UnconfirmedTtl = TimeSpan.FromSeconds(-1);
        var failures = Failures(options);
        Assert.HasCount(3, failures);
        StringAssert.StartsWith(failures[0], "Cerbos:PolicyWatch:Address (env Cerbos__PolicyWatch__Address): must use https outside Development");
        StringAssert.StartsWith(failures[1], "Cerbos:PolicyWatch:Interval (env Cerbos__PolicyWatch__Interval)");
        StringAssert.StartsWith(failures[2], "Cerbos:PolicyWatch:UnconfirmedTtl (env Cerbos__PolicyWatch__UnconfirmedTtl)");
    }

    [TestMethod]
    public void Validate_PlaintextOutsideDevelopment_IsRefused()
    {
        var options = Valid();
        options.Address = new Uri("http://127.0.0.1:3593");
        StringAssert.Contains(Failures(options).Single(), "must use https outside Development");
    }

    [TestMethod]
    public void Validate_UnreadableFiles_ReportsEveryKeyAtOnce()
    {
        var options = Valid();
        options.Tls.CaCertificate = "/nonexistent/ca.pem";
        options.Tls.ClientCertificate = "/nonexistent/client.pem";
        options.Tls.ClientKey = null;
        var failures = Failures(options);
        Assert.HasCount(3, failures);
        Assert.IsTrue(failures.Any(f => f.StartsWith("Cerbos:Tls:CaCertificate", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Cerbos:Tls:ClientCertificate", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Cerbos:Tls:ClientKey", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void CacheValidator_EmptyPrefixAndZeroTtl_ReportsBoth()
    {
        var failures = new CacheOptionsValidator().Validate(null, new CacheOptions { KeyPrefix = "", Ttl = TimeSpan.Zero }).Failures!.ToList();
        Assert.IsTrue(failures.Any(f => f.StartsWith("Cache:KeyPrefix (env Cache__KeyPrefix)", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Cache:Ttl (env Cache__Ttl)", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void CacheValidator_Defaults_Pass()
    {
        Assert.IsTrue(new CacheOptionsValidator().Validate(null, new CacheOptions()).Succeeded);
    }

    [TestMethod]
    public void DatabaseValidator_MissingConnectionString_NamesKey()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions());
        StringAssert.StartsWith(result.Failures!.Single(), "ConnectionStrings:Postgres (env ConnectionStrings__Postgres): is required");
    }

    [TestMethod]
    public void DatabaseValidator_GarbageConnectionString_FailsWithoutEchoingIt()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { ConnectionString = "Host=x;Password=s3cret;Bogus Key=1" });
        var failure = result.Failures!.Single();
        StringAssert.StartsWith(failure, "ConnectionStrings:Postgres");
        Assert.DoesNotContain("s3cret", failure);
    }
}
