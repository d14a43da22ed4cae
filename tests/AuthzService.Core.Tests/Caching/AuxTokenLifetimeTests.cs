using System.Buffers.Text;
using System.Text;
using AuthzService.Core.Caching;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class AuxTokenLifetimeTests
{
    private static readonly DateTimeOffset s_now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An unsigned token with the given payload JSON (signatures are Cerbos's business).</summary>
    internal static string Jwt(string payloadJson) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"ES256","typ":"JWT"}""")) + "."
        + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson)) + ".c2ln";

    internal static string JwtExpiringAt(DateTimeOffset exp) => Jwt($$"""{"sub":"alice","exp":{{exp.ToUnixTimeSeconds()}}}""");

    [TestMethod]
    public void Of_NoToken_Unbounded()
    {
        Assert.AreEqual(AuxTokenLifetime.Unbounded, AuxTokenLifetime.Of(null, s_now));
        Assert.AreEqual(AuxTokenLifetime.Unbounded, AuxTokenLifetime.Of(string.Empty, s_now));
    }

    [TestMethod]
    public void Of_TokenWithoutTimes_Unbounded() =>
        Assert.AreEqual(AuxTokenLifetime.Unbounded, AuxTokenLifetime.Of(Jwt("""{"sub":"alice"}"""), s_now));

    [TestMethod]
    public void Of_TokenValidNow_CacheableUntilItsExpiry()
    {
        var lifetime = AuxTokenLifetime.Of(Jwt($$"""{"nbf":{{s_now.ToUnixTimeSeconds() - 10}},"exp":{{s_now.ToUnixTimeSeconds() + 30}}}"""), s_now);

        Assert.IsTrue(lifetime.Cacheable);
        Assert.AreEqual(s_now.AddSeconds(30), lifetime.NotAfter);
        Assert.AreEqual(TimeSpan.FromSeconds(30), lifetime.Cap(TimeSpan.FromMinutes(1), s_now));
        Assert.AreEqual(TimeSpan.FromSeconds(20), lifetime.Cap(TimeSpan.FromSeconds(20), s_now));
    }

    [TestMethod]
    public void Of_FractionalExpiry_Kept() =>
        Assert.AreEqual(s_now.AddSeconds(0.5), AuxTokenLifetime.Of(Jwt($$"""{"exp":{{s_now.ToUnixTimeSeconds()}}.5}"""), s_now).NotAfter);

    [TestMethod]
    [DataRow(0)]
    [DataRow(-1)]
    [DataRow(-3600)]
    public void Of_ExpiredToken_NotCacheable(int secondsFromNow) =>
        Assert.IsFalse(AuxTokenLifetime.Of(JwtExpiringAt(s_now.AddSeconds(secondsFromNow)), s_now).Cacheable);

    [TestMethod]
    public void Of_TokenNotYetValid_NotCacheable() =>
        Assert.IsFalse(AuxTokenLifetime.Of(Jwt($$"""{"nbf":{{s_now.ToUnixTimeSeconds() + 5}},"exp":{{s_now.ToUnixTimeSeconds() + 60}}}"""), s_now).Cacheable);

    [TestMethod]
    [DataRow("not-a-jwt")]
    [DataRow("a.b")]
    [DataRow("a..c")]
    [DataRow("a.!!!.c")]
    public void Of_NotAJwt_NotCacheable(string token) =>
        Assert.IsFalse(AuxTokenLifetime.Of(token, s_now).Cacheable);

    [TestMethod]
    [DataRow("""[1,2]""")]
    [DataRow("""{"exp":"tomorrow"}""")]
    [DataRow("""{"exp":null}""")]
    [DataRow("""{"nbf":true}""")]
    [DataRow("""{"exp":1e400}""")]
    [DataRow("""{"exp":""")]
    public void Of_UnreadablePayloadOrTimes_NotCacheable(string payload) =>
        Assert.IsFalse(AuxTokenLifetime.Of(Jwt(payload), s_now).Cacheable);

    [TestMethod]
    public void Of_ExpiryBeyondDateTimeOffset_CacheableWithoutOverflow()
    {
        var lifetime = AuxTokenLifetime.Of(Jwt("""{"exp":1e15}"""), s_now);

        Assert.IsTrue(lifetime.Cacheable);
        Assert.AreEqual(TimeSpan.FromMinutes(1), lifetime.Cap(TimeSpan.FromMinutes(1), s_now));
    }
}
