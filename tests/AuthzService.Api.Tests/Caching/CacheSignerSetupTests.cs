using AuthzService.Infrastructure.Caching;
using AuthzService.Testing;

namespace AuthzService.Api.Tests.Caching;

[TestClass]
public sealed class CacheSignerSetupTests
{
    private const string Key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private const string Previous = "c2Vjb25kLWtleS1zZWNvbmQta2V5LXNlY29uZC1rZXktc2Vjb25kLWtleS0wMDA=";

    [TestMethod]
    public void CreateSigner_NoKey_SignsWithARandomKeyAndWarns()
    {
        var logs = new CapturingLoggerProvider();

        var a = CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions(), logs.CreateLogger("test"));
        var b = CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions(), logs.CreateLogger("test"));

        Assert.AreNotEqual(a.CurrentKeyId, b.CurrentKeyId, "a fresh key per process, never a fixed one");
        Assert.AreEqual(CacheValueCheck.UnknownKey, b.Verify("k", a.Sign("k", [1, 2, 3]), out _, out _));
        Assert.AreEqual(2, logs.Lines.Count(l => l.EventId == 6151));
    }

    [TestMethod]
    public void CreateSigner_KeyAndPreviousKey_WritesWithTheKeyAndLogsOnlyKeyIds()
    {
        var logs = new CapturingLoggerProvider();

        var signer = CacheServiceCollectionExtensions.CreateSigner(
            new CacheSigningOptions { SigningKey = Key, PreviousSigningKey = Previous }, logs.CreateLogger("test"));

        var current = new CacheValueSigner(Convert.FromBase64String(Key));
        var previous = new CacheValueSigner(Convert.FromBase64String(Previous));
        Assert.AreEqual(current.CurrentKeyId, signer.CurrentKeyId);
        Assert.AreEqual(CacheValueCheck.Valid, signer.Verify("k", previous.Sign("k", [1]), out _, out _));
        var line = logs.Lines.Single(l => l.EventId == 6152).Message;
        StringAssert.Contains(line, $"{current.CurrentKeyId}, {previous.CurrentKeyId}");
        Assert.IsFalse(logs.Lines.Any(l => l.Message.Contains(Key, StringComparison.Ordinal) || l.Message.Contains(Previous, StringComparison.Ordinal)));
    }

    [TestMethod]
    public void CreateSigner_MalformedKey_ThrowsNamingTheKeyNotTheValue()
    {
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() =>
            CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions { SigningKey = Key, PreviousSigningKey = "c2hvcnQta2V5" }, new CapturingLoggerProvider().CreateLogger("test")));

        StringAssert.StartsWith(ex.Message, "Cache:PreviousSigningKey must decode to at least 32 bytes");
        Assert.IsFalse(ex.Message.Contains("c2hvcnQta2V5", StringComparison.Ordinal));
    }
}
