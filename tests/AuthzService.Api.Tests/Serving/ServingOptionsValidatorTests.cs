using System.Security.Cryptography.X509Certificates;
using AuthzService.Api.Audit;
using AuthzService.Api.RateLimiting;
using AuthzService.Api.Security;
using Microsoft.Extensions.Configuration;

namespace AuthzService.Api.Tests.Serving;

[TestClass]
public sealed class ServingOptionsValidatorTests
{
    private static string s_directory = "";
    private static string s_caFile = "";
    private static string s_serverCert = "";
    private static string s_serverKey = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        s_directory = Directory.CreateTempSubdirectory("authz-opts").FullName;
        using var ca = TestPki.CreateCa("Options CA");
        s_caFile = TestPki.WritePem(s_directory, "ca.crt", ca);
        using var server = TestPki.CreateLeaf(ca, ["localhost"], [], clientAuth: false);
        s_serverCert = TestPki.WritePem(s_directory, "server.crt", server);
        s_serverKey = Path.Combine(s_directory, "server.key");
        using var key = server.GetECDsaPrivateKey()!;
        File.WriteAllText(s_serverKey, key.ExportPkcs8PrivateKeyPem());
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(s_directory, recursive: true);

    private static List<string> Failures(AuthOptions options, Dictionary<string, string?> kestrel, string environment = "Production")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(kestrel).Build();
        return new AuthOptionsValidator(configuration, new TestEnvironment(environment)).Validate(null, options).Failures?.ToList() ?? [];
    }

    private static Dictionary<string, string?> Https(string? cert = null, string? key = null) => new()
    {
        ["Kestrel:Endpoints:Grpc:Url"] = "https://0.0.0.0:50051",
        ["Kestrel:Endpoints:Grpc:Certificate:Path"] = cert,
        ["Kestrel:Endpoints:Grpc:Certificate:KeyPath"] = key,
    };

    private static Dictionary<string, string?> Plain(string url) => new() { ["Kestrel:Endpoints:Grpc:Url"] = url };

    private static CallerRule Rule(string identity, params string[] services)
    {
        var rule = new CallerRule { Identity = identity };
        foreach (var service in services)
        {
            rule.Services.Add(service);
        }

        return rule;
    }

    [TestMethod]
    public void Validate_HttpsWithNothingElse_EveryMissingKeyReportedAtOnce()
    {
        var failures = Failures(new AuthOptions(), Https());

        Assert.HasCount(4, failures, string.Join("\n", failures));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Kestrel:Endpoints:Grpc:Certificate:Path (env Kestrel__Endpoints__Grpc__Certificate__Path)", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Kestrel:Endpoints:Grpc:Certificate:KeyPath", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Auth:CallerCaCertificate (env Auth__CallerCaCertificate)", StringComparison.Ordinal)));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Auth:Callers", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Validate_HttpsComplete_NoFailures()
    {
        var options = new AuthOptions { CallerCaCertificate = s_caFile };
        options.Callers.Add(Rule("spiffe://cluster.local/ns/app/sa/web", "authz.v1.AuthorizationService"));

        Assert.IsEmpty(Failures(options, Https(s_serverCert, s_serverKey)));
    }

    [TestMethod]
    public void Validate_CertificateWithoutItsKey_RefusedAtStartup()
    {
        var options = new AuthOptions { CallerCaCertificate = s_caFile };
        options.Callers.Add(Rule("spiffe://cluster.local/ns/app/sa/web", "authz.v1.AuthorizationService"));

        var failures = Failures(options, Https(s_caFile, s_caFile));

        Assert.HasCount(1, failures);
        StringAssert.StartsWith(failures[0], "Kestrel:Endpoints:Grpc:Certificate:Path");
    }

    [TestMethod]
    public void Validate_PlaintextWithoutFlag_RefusedNamingTheKey()
    {
        var failures = Failures(new AuthOptions(), Plain("http://127.0.0.1:50051"));

        Assert.HasCount(1, failures);
        StringAssert.StartsWith(failures[0], "Auth:AllowPlaintext (env Auth__AllowPlaintext)");
    }

    [TestMethod]
    public void Validate_PlaintextFlagOnAllInterfacesInProduction_Refused()
    {
        var failures = Failures(new AuthOptions { AllowPlaintext = true }, Plain("http://0.0.0.0:50051"));

        Assert.HasCount(1, failures);
        StringAssert.Contains(failures[0], "loopback");
    }

    [TestMethod]
    [DataRow("http://127.0.0.1:50051", "Production")]
    [DataRow("http://localhost:50051", "Production")]
    [DataRow("http://[::1]:50051", "Production")]
    [DataRow("http://0.0.0.0:50051", "Development")]
    public void Validate_PlaintextFlagOnLoopbackOrInDevelopment_Accepted(string url, string environment) =>
        Assert.IsEmpty(Failures(new AuthOptions { AllowPlaintext = true }, Plain(url), environment));

    [TestMethod]
    public void Validate_HttpsAuthZenListenerBesideHttpsGrpc_NoFailures()
    {
        var options = new AuthOptions { CallerCaCertificate = s_caFile };
        options.Callers.Add(Rule("spiffe://cluster.local/ns/app/sa/web", "authz.v1.AuthorizationService"));
        var kestrel = Https(s_serverCert, s_serverKey);
        kestrel["Kestrel:Endpoints:Http:Url"] = "https://0.0.0.0:8443";

        Assert.IsEmpty(Failures(options, kestrel));
    }

    [TestMethod]
    public void Validate_HttpsAuthZenListenerBesidePlaintextGrpc_RefusedNamingTheKey()
    {
        var kestrel = Plain("http://127.0.0.1:50051");
        kestrel["Kestrel:Endpoints:Http:Url"] = "https://0.0.0.0:8443";

        var failures = Failures(new AuthOptions { AllowPlaintext = true }, kestrel);

        Assert.HasCount(1, failures, string.Join("\n", failures));
        StringAssert.StartsWith(failures[0], "Kestrel:Endpoints:Http:Url (env Kestrel__Endpoints__Http__Url)");
    }

    [TestMethod]
    [DataRow("http://0.0.0.0:8080", true, "Production", "loopback")]
    [DataRow("http://127.0.0.1:8080", false, "Production", "AuthZEN listener")]
    public void Validate_PlaintextAuthZenListenerWhereGrpcPlaintextIsNotAllowed_Refused(string url, bool allowPlaintext, string environment, string expected)
    {
        var options = new AuthOptions { CallerCaCertificate = s_caFile, AllowPlaintext = allowPlaintext };
        options.Callers.Add(Rule("spiffe://cluster.local/ns/app/sa/web", "authz.v1.AuthorizationService"));
        var kestrel = Https(s_serverCert, s_serverKey);
        kestrel["Kestrel:Endpoints:Http:Url"] = url;

        var failures = Failures(options, kestrel, environment);

        Assert.HasCount(1, failures, string.Join("\n", failures));
        StringAssert.StartsWith(failures[0], "Auth:AllowPlaintext");
        StringAssert.Contains(failures[0], expected);
    }

    [TestMethod]
    [DataRow("http://127.0.0.1:8080", "Production")]
    [DataRow("http://0.0.0.0:8080", "Development")]
    public void Validate_PlaintextAuthZenListenerWhereGrpcPlaintextIs_Accepted(string url, string environment)
    {
        var kestrel = Plain("http://127.0.0.1:50051");
        kestrel["Kestrel:Endpoints:Http:Url"] = url;

        Assert.IsEmpty(Failures(new AuthOptions { AllowPlaintext = true }, kestrel, environment));
    }

    [TestMethod]
    public void Validate_BadAllowListEntries_EachNamedByIndex()
    {
        var options = new AuthOptions { AllowPlaintext = true };
        options.Callers.Add(new CallerRule { Identity = "not a name" });
        var badMethod = Rule("ops.internal");
        badMethod.Methods.Add("GetTenant");
        options.Callers.Add(badMethod);
        options.Callers.Add(Rule("spiffe://x/y", "AuthorizationService"));

        var failures = Failures(options, Plain("http://127.0.0.1:1"));

        CollectionAssert.AreEquivalent(
            new[] { "Auth:Callers:0:Identity", "Auth:Callers:0:Services", "Auth:Callers:1:Methods:0", "Auth:Callers:2:Services:0" },
            failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).ToArray(),
            string.Join("\n", failures));
    }

    [TestMethod]
    public void Validate_RateLimitsAndAuditOutOfRange_Refused()
    {
        var limits = new RateLimitOptions { PerTenant = new RateLimit { PermitsPerSecond = -1 } };
        limits.Tiers["gold"] = new RateLimit { Burst = -5 };
        var limitFailures = new RateLimitOptionsValidator().Validate(null, limits).Failures?.ToList() ?? [];
        var auditFailures = new AuditOptionsValidator().Validate(null, new AuditOptions { AllowSampleRate = 1.5 }).Failures?.ToList() ?? [];

        Assert.HasCount(2, limitFailures);
        Assert.IsTrue(limitFailures.Any(f => f.StartsWith("RateLimits:Tiers:gold:Burst", StringComparison.Ordinal)));
        Assert.HasCount(1, auditFailures);
        StringAssert.StartsWith(auditFailures[0], "Audit:AllowSampleRate (env Audit__AllowSampleRate)");
    }

    [TestMethod]
    public void Validate_BadTenantPatterns_EachNamedByIndex()
    {
        var options = new AuthOptions { AllowPlaintext = true };
        var rule = Rule("spiffe://cluster.local/ns/app/sa/web", "authz.v1.AuthorizationService");
        foreach (var tenant in new[] { "acme", "acme-*", "", "*", "a*b", "a**", " acme", new string('t', 129), "tab\tbed" })
        {
            rule.Tenants.Add(tenant);
        }

        options.Callers.Add(rule);

        var failures = Failures(options, Plain("http://127.0.0.1:1"));

        CollectionAssert.AreEquivalent(
            new[] { "Auth:Callers:0:Tenants:2", "Auth:Callers:0:Tenants:3", "Auth:Callers:0:Tenants:4", "Auth:Callers:0:Tenants:5", "Auth:Callers:0:Tenants:6", "Auth:Callers:0:Tenants:7", "Auth:Callers:0:Tenants:8" },
            failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).ToArray(),
            string.Join("\n", failures));
        Assert.IsTrue(failures.Any(f => f.StartsWith("Auth:Callers:0:Tenants:3 (env Auth__Callers__0__Tenants__3)", StringComparison.Ordinal) && f.Contains("every tenant", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Validate_MaxTrackedTenantsOutOfRange_RefusedNamingTheKey()
    {
        var failures = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { MaxTrackedTenants = 10 }).Failures?.ToList() ?? [];

        Assert.HasCount(1, failures);
        StringAssert.StartsWith(failures[0], "RateLimits:MaxTrackedTenants (env RateLimits__MaxTrackedTenants)");
    }
}
