using AuthzService.Grpc.Client;
using AuthzService.Testing;

namespace AuthzService.Grpc.Tests.Client;

[TestClass]
public sealed class GrpcChannelOptionsTests
{
    [TestMethod]
    public void ForAddress_DefaultOptions_CreatesChannel()
    {
        // Act
        using var channel = GrpcChannel.ForAddress("https://cerbos.internal:3593");

        // Assert
        Assert.AreEqual(new Uri("https://cerbos.internal:3593"), channel.Address);
    }

    [TestMethod]
    [DataRow("ftp://127.0.0.1:1")]
    [DataRow("http://127.0.0.1:1/prefix")]
    [DataRow("http://127.0.0.1:1/?q=1")]
    public void ForAddress_UnsupportedAddress_ThrowsArgumentException(string address)
    {
        // Act + Assert
        Assert.ThrowsExactly<ArgumentException>(() => GrpcChannel.ForAddress(address));
    }

    [TestMethod]
    public void ForAddress_PlaintextAddressWithTlsSettings_ThrowsArgumentException()
    {
        // Arrange
        using var ca = new TestCertificates();

        // Act
        var ex = Assert.ThrowsExactly<ArgumentException>(
            () => GrpcChannel.ForAddress("http://127.0.0.1:1", new GrpcChannelOptions { TrustedCaCertificates = [ca.Ca] }));

        // Assert
        Assert.Contains("https://", ex.Message);
    }

    [TestMethod]
    public void Validate_SeveralBadValues_ReportsEachByName()
    {
        // Arrange
        var options = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 0,
            MaxSendMessageSize = -1,
            ConnectTimeout = TimeSpan.Zero,
            RetryPolicy = new RetryPolicy { MaxAttempts = 0 },
        };

        // Act
        var errors = options.Validate();

        // Assert
        Assert.HasCount(4, errors);
        Assert.IsTrue(errors.Any(e => e.Contains("MaxReceiveMessageSize", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.Contains("MaxSendMessageSize", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.Contains("ConnectTimeout", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.Contains("RetryPolicy.MaxAttempts", StringComparison.Ordinal)));
    }
}
