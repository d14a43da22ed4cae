using AuthzService.Api.Security;

namespace AuthzService.Api.Tests.Serving;

[TestClass]
public sealed class CallerIdentityTests
{
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 s_ca = TestPki.CreateCa("Identity CA");

    [TestMethod]
    public void FromCertificate_UriAndDnsSans_UriWins()
    {
        using var cert = TestPki.CreateLeaf(s_ca, ["web.app.svc"], [new Uri("spiffe://cluster.local/ns/app/sa/web")]);

        var identity = CallerIdentity.FromCertificate(cert);

        Assert.AreEqual("spiffe://cluster.local/ns/app/sa/web", identity?.Name);
        Assert.IsTrue(identity!.Authenticated);
    }

    [TestMethod]
    public void FromCertificate_DnsSanOnly_DnsName()
    {
        using var cert = TestPki.CreateLeaf(s_ca, ["ops.internal", "second.internal"], []);

        Assert.AreEqual("ops.internal", CallerIdentity.FromCertificate(cert)?.Name);
    }

    [TestMethod]
    public void FromCertificate_NoSan_NullEvenWithACommonName()
    {
        using var cert = TestPki.CreateLeaf(s_ca, [], []);

        Assert.IsNull(CallerIdentity.FromCertificate(cert));
    }

    [TestMethod]
    public void IsAllowed_ServiceMethodAndHealth_ByRule()
    {
        var rule = new CallerRule { Identity = "spiffe://t/checker" };
        rule.Services.Add("authz.v1.AuthorizationService");
        var reader = new CallerRule { Identity = "Reader.Ops.Internal" };
        reader.Methods.Add("authz.v1.MembershipService/GetTenant");
        var allowList = CallerAllowList.From([rule, reader]);

        Assert.IsTrue(allowList.IsAllowed("spiffe://t/checker", "/authz.v1.AuthorizationService/CheckResources"));
        Assert.IsFalse(allowList.IsAllowed("spiffe://t/checker", "/authz.v1.MembershipService/GetTenant"));
        Assert.IsFalse(allowList.IsAllowed("spiffe://t/CHECKER", "/authz.v1.AuthorizationService/CheckResources"), "URIs compare exactly");
        Assert.IsTrue(allowList.IsAllowed("reader.ops.internal", "/authz.v1.MembershipService/GetTenant"), "DNS names ignore case");
        Assert.IsFalse(allowList.IsAllowed("reader.ops.internal", "/authz.v1.MembershipService/ListTenants"));
        Assert.IsTrue(allowList.IsAllowed("anyone", "/grpc.health.v1.Health/Check"));
        Assert.IsFalse(allowList.IsAllowed("anyone", "/authz.v1.AuthorizationService/CheckResources"));
    }
}
