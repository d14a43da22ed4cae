using AuthzService.Infrastructure.Postgres;

namespace AuthzService.Infrastructure.Tests.Postgres;

/// <summary>Pure tests of the NOTIFY payload parser (internal to Infrastructure, visible to this assembly).</summary>
[TestClass]
public sealed class InvalidationMessageTests
{
    [TestMethod]
    public void TryParse_PrincipalPayload_ReturnsMessage()
    {
        var message = InvalidationMessage.TryParse("""{"kind" : "principal", "tenant_id" : "a:b", "principal_id" : "p/{", "version" : 7}""");

        Assert.AreEqual(new InvalidationMessage("principal", "a:b", "p/{", 7), message);
    }

    [TestMethod]
    public void TryParse_TenantAndPolicyPayloads_ReturnMessages()
    {
        Assert.AreEqual(new InvalidationMessage("tenant", "a", null, 2), InvalidationMessage.TryParse("""{"kind":"tenant","tenant_id":"a","version":2}"""));
        Assert.AreEqual(new InvalidationMessage("policy", null, null, 3), InvalidationMessage.TryParse("""{"kind":"policy","version":3}"""));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("not json")]
    [DataRow("[]")]
    [DataRow("""{"kind":"principal","tenant_id":"a","version":1}""")]
    [DataRow("""{"kind":"tenant","version":1}""")]
    [DataRow("""{"kind":"other","tenant_id":"a","version":1}""")]
    [DataRow("""{"kind":"policy","version":"1"}""")]
    [DataRow("""{"kind":"policy"}""")]
    public void TryParse_Malformed_ReturnsNull(string payload) => Assert.IsNull(InvalidationMessage.TryParse(payload));
}
