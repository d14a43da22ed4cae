using AuthzService.Api.Serving;

namespace AuthzService.Api.Tests.Serving;

[TestClass]
public sealed class GrpcServerOptionsValidatorTests
{
    [TestMethod]
    public void Validate_Defaults_Valid()
    {
        var result = new GrpcServerOptionsValidator().Validate(null, new GrpcServerOptions());

        Assert.IsTrue(result.Succeeded);
    }

    [TestMethod]
    public void Validate_EveryValueWrong_EveryProblemReportedWithItsKey()
    {
        var options = new GrpcServerOptions
        {
            MaxReceiveMessageSize = -1,
            MaxSendMessageSize = 0,
            MaxDeadline = TimeSpan.FromSeconds(-1),
            ResponseCompressionAlgorithm = "br",
        };

        var failures = new GrpcServerOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

        Assert.HasCount(4, failures, string.Join("\n", failures));
        foreach (var key in new[] { "MaxReceiveMessageSize", "MaxSendMessageSize", "MaxDeadline", "ResponseCompressionAlgorithm" })
        {
            Assert.IsTrue(failures.Any(f => f.StartsWith($"Grpc:Server:{key} (env Grpc__Server__{key})", StringComparison.Ordinal)), key);
        }
    }
}
