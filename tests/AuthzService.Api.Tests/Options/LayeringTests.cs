namespace AuthzService.Api.Tests.Options;

/// <summary>
/// The host composes the layers and never names a driver: PostgreSQL and Redis failures, options, health
/// pings and instrumentation reach it as Infrastructure's own types (issue 15: "Api never references a driver").
/// The compiler records an assembly reference only for assemblies whose types the code uses.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    [TestMethod]
    [DataRow("Npgsql")]
    [DataRow("Npgsql.OpenTelemetry")]
    [DataRow("Dapper")]
    public void Api_ReferencesNoDatabaseDriver(string driver)
    {
        var references = typeof(AuthzService.Api.DependencyInjection).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(driver, references, string.Join(", ", references));
        Assert.Contains("AuthzService.Infrastructure", references, "the check reads real references");
    }
}
