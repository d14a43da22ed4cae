using AuthzService.Infrastructure.Caching;
using Microsoft.Extensions.Logging;

namespace AuthzService.Api.Tests.Caching;

[TestClass]
public sealed class CacheSignerSetupTests
{
    private const string Key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private const string Previous = "c2Vjb25kLWtleS1zZWNvbmQta2V5LXNlY29uZC1rZXktc2Vjb25kLWtleS0wMDA=";

    [TestMethod]
    public void CreateSigner_NoKey_SignsWithARandomKeyAndWarns()
    {
        var logs = new List<(int EventId, string Message)>();

        var a = CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions(), new ListLogger(logs));
        var b = CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions(), new ListLogger(logs));

        Assert.AreNotEqual(a.CurrentKeyId, b.CurrentKeyId, "a fresh key per process, never a fixed one");
        Assert.AreEqual(CacheValueCheck.UnknownKey, b.Verify("k", a.Sign("k", [1, 2, 3]), out _, out _));
        Assert.AreEqual(2, logs.Count(l => l.EventId == 6151));
    }

    [TestMethod]
    public void CreateSigner_KeyAndPreviousKey_WritesWithTheKeyAndLogsOnlyKeyIds()
    {
        var logs = new List<(int EventId, string Message)>();

        var signer = CacheServiceCollectionExtensions.CreateSigner(
            new CacheSigningOptions { SigningKey = Key, PreviousSigningKey = Previous }, new ListLogger(logs));

        var current = new CacheValueSigner(Convert.FromBase64String(Key));
        var previous = new CacheValueSigner(Convert.FromBase64String(Previous));
        Assert.AreEqual(current.CurrentKeyId, signer.CurrentKeyId);
        Assert.AreEqual(CacheValueCheck.Valid, signer.Verify("k", previous.Sign("k", [1]), out _, out _));
        var line = logs.Single(l => l.EventId == 6152).Message;
        StringAssert.Contains(line, $"{current.CurrentKeyId}, {previous.CurrentKeyId}");
        Assert.IsFalse(logs.Any(l => l.Message.Contains(Key, StringComparison.Ordinal) || l.Message.Contains(Previous, StringComparison.Ordinal)));
    }

    [TestMethod]
    public void CreateSigner_MalformedKey_ThrowsNamingTheKeyNotTheValue()
    {
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() =>
            CacheServiceCollectionExtensions.CreateSigner(new CacheSigningOptions { SigningKey = Key, PreviousSigningKey = "c2hvcnQta2V5" }, new ListLogger([])));

        StringAssert.StartsWith(ex.Message, "Cache:PreviousSigningKey must decode to at least 32 bytes");
        Assert.IsFalse(ex.Message.Contains("c2hvcnQta2V5", StringComparison.Ordinal));
    }

    private sealed class ListLogger(List<(int EventId, string Message)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add((eventId.Id, formatter(state, exception)));
    }
}
