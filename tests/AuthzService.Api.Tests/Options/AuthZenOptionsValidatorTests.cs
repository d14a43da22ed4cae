using AuthzService.Api.AuthZen;

namespace AuthzService.Api.Tests.Options;

[TestClass]
public sealed class AuthZenOptionsValidatorTests
{
    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow(" ")]
    public void Validate_NoPolicyDirectory_Valid(string? directory)
    {
        var result = new AuthZenOptionsValidator().Validate(null, new AuthZenOptions { PolicyDirectory = directory });

        Assert.IsTrue(result.Succeeded);
    }

    [TestMethod]
    public void Validate_ExistingDirectory_Valid()
    {
        var result = new AuthZenOptionsValidator().Validate(null, new AuthZenOptions { PolicyDirectory = Path.GetTempPath() });

        Assert.IsTrue(result.Succeeded);
    }

    [TestMethod]
    public void Validate_MissingDirectory_RefusedNamingTheKey()
    {
        var missing = Path.Combine(Path.GetTempPath(), "authz-no-such-policies-" + Guid.NewGuid().ToString("N"));

        var failures = new AuthZenOptionsValidator().Validate(null, new AuthZenOptions { PolicyDirectory = missing }).Failures?.ToList() ?? [];

        Assert.HasCount(1, failures);
        StringAssert.StartsWith(failures[0], "AuthZen:PolicyDirectory (env AuthZen__PolicyDirectory): is not a directory");
    }
}
