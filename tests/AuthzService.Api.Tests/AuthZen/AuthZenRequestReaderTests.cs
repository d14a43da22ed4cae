using System.Text.Json;
using AuthzService.Api.AuthZen;

namespace AuthzService.Api.Tests.AuthZen;

/// <summary>
/// Reading AuthZEN evaluations on inputs AFL++ found (tests/AuthzService.Fuzz corpus/authzen-evaluation/crash-*):
/// a <c>context</c> with an empty member name threw <see cref="InvalidOperationException"/> (a 500) where the
/// reader keyed the evaluation by protobuf's JSON form of the facts, which refuses empty keys.
/// </summary>
[TestClass]
public sealed class AuthZenRequestReaderTests
{
    [TestMethod]
    [DataRow("""{"":"2"}""", null, DisplayName = "context with an empty member name")]
    [DataRow("""{"a":{"":null}}""", null, DisplayName = "context with a nested empty member name")]
    [DataRow(null, """{"":1}""", DisplayName = "action.properties with an empty member name")]
    public void Read_FactsWithAnEmptyMemberName_ReadsThemIntoTheReservedContext(string? context, string? actionProperties)
    {
        var action = actionProperties is null ? """{"name":"view"}""" : """{"name":"view","properties":""" + actionProperties + "}";
        var rest = context is null ? string.Empty : ""","context":""" + context;
        using var body = JsonDocument.Parse(
            """{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"resource":{"type":"document","id":"d1"},"action":"""
            + action + rest + "}");
        var problems = new List<string>();

        var request = AuthZenRequestReader.Read(AuthZenEvaluation.From(body.RootElement), null, problems);

        Assert.IsNotNull(request, string.Join("; ", problems));
        Assert.IsTrue(request.PrincipalContext.ContainsKey(AuthZenRequestReader.ReservedProperty));
    }

    [TestMethod]
    public void Read_DifferentContexts_DifferentPrincipalKeys()
    {
        static string KeyOf(string context)
        {
            using var body = JsonDocument.Parse(
                """{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"view"},"resource":{"type":"document","id":"d1"},"context":"""
                + context + "}");
            return AuthZenRequestReader.Read(AuthZenEvaluation.From(body.RootElement), null, [])!.PrincipalKey;
        }

        Assert.AreNotEqual(KeyOf("""{"ip":"10.0.0.1"}"""), KeyOf("""{"ip":"10.0.0.2"}"""));
        Assert.AreNotEqual(KeyOf("""{"":"1"}"""), KeyOf("""{"":"2"}"""));
        Assert.AreEqual(KeyOf("""{"ip":"10.0.0.1"}"""), KeyOf("""{"ip":"10.0.0.1"}"""));
    }
}
