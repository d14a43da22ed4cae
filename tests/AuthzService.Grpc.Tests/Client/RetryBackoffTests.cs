using AuthzService.Grpc.Client;
using AuthzService.Grpc.Client.Internal;

namespace AuthzService.Grpc.Tests.Client;

[TestClass]
public sealed class RetryBackoffTests
{
    [TestMethod]
    public void Delay_GrowsByMultiplierWithinJitter_CappedAtMaxBackoff()
    {
        // Arrange
        var policy = new RetryPolicy
        {
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(350),
            BackoffMultiplier = 2,
        };

        // Act + Assert
        for (var i = 0; i < 50; i++)
        {
            var first = RetryBackoff.Delay(policy, 1).TotalMilliseconds;
            var second = RetryBackoff.Delay(policy, 2).TotalMilliseconds;
            var tenth = RetryBackoff.Delay(policy, 10).TotalMilliseconds;
            Assert.IsTrue(first is >= 80 and <= 120, first.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.IsTrue(second is >= 160 and <= 240, second.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.IsTrue(tenth is >= 280 and <= 420, tenth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [TestMethod]
    public void Validate_BadValues_ReportsEveryProblem()
    {
        // Arrange
        var policy = new RetryPolicy
        {
            MaxAttempts = 0,
            InitialBackoff = TimeSpan.Zero,
            MaxBackoff = TimeSpan.FromSeconds(-1),
            BackoffMultiplier = 0.5,
        };

        // Act
        var errors = policy.Validate();

        // Assert
        Assert.HasCount(4, errors);
    }
}
