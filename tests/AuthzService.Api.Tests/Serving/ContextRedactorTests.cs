using AuthzService.Api.Audit;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Tests.Serving;

[TestClass]
public sealed class ContextRedactorTests
{
    private static readonly ContextRedactor s_redactor = new(new AuditOptions().EffectiveSecretContextKeys);

    [TestMethod]
    public void ToJson_SecretKeysAtAnyDepth_ValuesReplacedOthersKept()
    {
        var nested = new Struct();
        nested.Fields["Password"] = Value.ForString("hunter2");
        nested.Fields["level"] = Value.ForNumber(2);
        var listItem = new Struct();
        listItem.Fields["access_token"] = Value.ForString("tok-123");
        var context = new MapField<string, Value>
        {
            ["mfa"] = Value.ForBool(true),
            ["API_KEY"] = Value.ForString("sk-live-1"),
            ["device"] = Value.ForStruct(nested),
            ["sessions"] = Value.ForList(Value.ForStruct(listItem)),
        };

        var json = s_redactor.ToJson(context);

        StringAssert.Contains(json, "\"mfa\": true");
        StringAssert.Contains(json, "\"level\": 2");
        foreach (var secret in new[] { "hunter2", "sk-live-1", "tok-123" })
        {
            Assert.DoesNotContain(secret, json);
        }

        Assert.AreEqual(3, json.Split(ContextRedactor.Redacted).Length - 1);
    }

    [TestMethod]
    [DataRow("jwt")]
    [DataRow("id_JWT")]
    [DataRow("bearer")]
    [DataRow("Bearer_Auth")]
    [DataRow("authorization")]
    [DataRow("Proxy-Authorization")]
    [DataRow("cookie")]
    [DataRow("set_cookie")]
    public void ToJson_DefaultMarkers_CoverJwtBearerAuthorizationAndCookie(string key)
    {
        var context = new MapField<string, Value> { [key] = Value.ForString("s3cr3t-value"), ["mfa"] = Value.ForBool(true) };

        var json = s_redactor.ToJson(context);

        Assert.DoesNotContain("s3cr3t-value", json);
        StringAssert.Contains(json, ContextRedactor.Redacted);
        StringAssert.Contains(json, "\"mfa\": true");
    }

    [TestMethod]
    public void ToJson_ValueWithoutKindAtAnyDepth_RendersInsteadOfThrowing()
    {
        // Validation refuses these; the audit must still never lose a record to one that slips through.
        var nested = new Struct();
        nested.Fields["inner"] = new Value();
        nested.Fields["token"] = new Value();
        var context = new MapField<string, Value>
        {
            ["empty"] = new Value(),
            ["nested"] = Value.ForStruct(nested),
            ["list"] = Value.ForList(new Value(), Value.ForNumber(double.NaN)),
        };

        var json = s_redactor.ToJson(context);

        StringAssert.Contains(json, "\"empty\": null");
        StringAssert.Contains(json, "\"inner\": null");
        StringAssert.Contains(json, "\"token\": \"[REDACTED]\"");
    }

    [TestMethod]
    public void ToJson_Empty_EmptyObject() => Assert.AreEqual("{}", s_redactor.ToJson([]));

    [TestMethod]
    public void IsSecretKey_ConfiguredMarkers_SubstringCaseInsensitive()
    {
        var redactor = new ContextRedactor(["pin"]);

        Assert.IsTrue(redactor.IsSecretKey("card_PIN"));
        Assert.IsFalse(redactor.IsSecretKey("password"), "a configured list replaces the defaults");
    }
}
