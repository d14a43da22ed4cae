using AuthzService.Api.Health;

namespace AuthzService.Api.Tests.Options;

[TestClass]
public sealed class DependencyHealthOptionsValidatorTests
{
    private static List<string> Failures(string interval, string timeout) =>
        new DependencyHealthOptionsValidator().Validate(null, new DependencyHealthOptions
        {
            ProbeInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
            ProbeTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        }).Failures?.ToList() ?? [];

    [TestMethod]
    public void Validate_Defaults_Pass()
    {
        var defaults = new DependencyHealthOptions();
        Assert.IsTrue(new DependencyHealthOptionsValidator().Validate(null, defaults).Succeeded);
    }

    [TestMethod]
    [DataRow("00:00:00.100", "00:00:00.100")]
    [DataRow("00:05:00", "00:00:30")]
    [DataRow("00:00:00.200", "00:00:01")] // probes run in turn: a timeout above the interval only stretches the round
    public void Validate_Bounds_Pass(string interval, string timeout)
    {
        Assert.IsEmpty(Failures(interval, timeout));
    }

    [TestMethod]
    [DataRow("00:00:00", "00:00:01", "Health:ProbeInterval (env Health__ProbeInterval): must be between")]
    [DataRow("-00:00:01", "00:00:01", "Health:ProbeInterval (env Health__ProbeInterval): must be between")]
    [DataRow("00:00:00.099", "00:00:00.050", "Health:ProbeInterval (env Health__ProbeInterval): must be between")]
    [DataRow("00:05:00.001", "00:00:01", "Health:ProbeInterval (env Health__ProbeInterval): must be between")]
    [DataRow("00:00:02", "00:00:00", "Health:ProbeTimeout (env Health__ProbeTimeout): must be positive")]
    [DataRow("00:00:02", "-00:00:01", "Health:ProbeTimeout (env Health__ProbeTimeout): must be positive")]
    [DataRow("00:00:02", "00:00:30.001", "Health:ProbeTimeout (env Health__ProbeTimeout): must be at most")]
    public void Validate_BadTiming_FailsNamingTheKey(string interval, string timeout, string expected)
    {
        var failures = Failures(interval, timeout);
        Assert.HasCount(1, failures, string.Join("; ", failures));
        StringAssert.StartsWith(failures[0], expected);
    }
}
