using AuthzService.Core.Principals;

namespace AuthzService.Core.Tests.Principals;

[TestClass]
public sealed class CerbosScopeTests
{
    [TestMethod]
    [DataRow("")]
    [DataRow("acme")]
    [DataRow("Acme_1")]
    [DataRow("acme.team-a")]
    [DataRow("a.b.c")]
    public void IsValid_CerbosScope_ReturnsTrue(string scope) => Assert.IsTrue(CerbosScope.IsValid(scope));

    [TestMethod]
    [DataRow(" ")]
    [DataRow("_acme")]
    [DataRow("acme.")]
    [DataRow("acme..b")]
    [DataRow("acme:b")]
    [DataRow("acme/b")]
    [DataRow("acme\n")]
    [DataRow("ácme")]
    public void IsValid_NotACerbosScope_ReturnsFalse(string scope) => Assert.IsFalse(CerbosScope.IsValid(scope));

    [TestMethod]
    public void IsValid_TooLong_ReturnsFalse()
    {
        Assert.IsTrue(CerbosScope.IsValid(new string('a', 128)));
        Assert.IsFalse(CerbosScope.IsValid(new string('a', 129)));
        Assert.IsFalse(CerbosScope.IsValid(null));
    }
}
