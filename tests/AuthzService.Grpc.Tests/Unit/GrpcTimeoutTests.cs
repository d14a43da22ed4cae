using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class GrpcTimeoutTests
{
    [TestMethod]
    [DataRow("1H", 36_000_000_000L)]
    [DataRow("2M", 1_200_000_000L)]
    [DataRow("3S", 30_000_000L)]
    [DataRow("100m", 1_000_000L)]
    [DataRow("250u", 2_500L)]
    [DataRow("1n", 1L)]
    [DataRow("99999999S", 999_999_990_000_000L)]
    public void TryParse_ValidValue_ReturnsTimeout(string value, long expectedTicks)
    {
        Assert.IsTrue(GrpcTimeout.TryParse(value, out var timeout));
        Assert.AreEqual(expectedTicks, timeout.Ticks);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("S")]
    [DataRow("10")]
    [DataRow("123456789S")]
    [DataRow("-1S")]
    [DataRow("1s")]
    [DataRow("1x")]
    [DataRow(" 1S")]
    [DataRow("1.5S")]
    public void TryParse_MalformedValue_ReturnsFalse(string value)
    {
        Assert.IsFalse(GrpcTimeout.TryParse(value, out _));
    }

    [TestMethod]
    public void Format_RoundTripsThroughParse_WithoutLosingTime()
    {
        foreach (var t in new[] { TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMinutes(3), TimeSpan.FromDays(400) })
        {
            var text = GrpcTimeout.Format(t);
            Assert.IsLessThanOrEqualTo(9, text.Length, text);
            Assert.IsTrue(GrpcTimeout.TryParse(text, out var parsed), text);
            Assert.IsGreaterThanOrEqualTo(t, parsed, text);
        }
    }
}
