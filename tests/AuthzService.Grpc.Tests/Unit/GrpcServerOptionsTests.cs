namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class GrpcServerOptionsTests
{
    [TestMethod]
    public void Validate_Defaults_AreValid()
    {
        var options = new GrpcServerOptions();

        Assert.IsEmpty(options.Validate());
        Assert.AreEqual(4 * 1024 * 1024, options.MaxReceiveMessageSize);
    }

    [TestMethod]
    public void Validate_SeveralBadValues_ReportsEveryOneWithItsKey()
    {
        var options = new GrpcServerOptions
        {
            MaxReceiveMessageSize = 0,
            MaxSendMessageSize = -1,
            MaxDeadline = TimeSpan.Zero,
            ResponseCompressionAlgorithm = "br",
        };

        var errors = options.Validate();

        Assert.HasCount(4, errors);
        Assert.IsTrue(errors.Any(e => e.Contains("Grpc:Server:MaxReceiveMessageSize", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.Contains("Grpc:Server:ResponseCompressionAlgorithm", StringComparison.Ordinal)));
    }
}
