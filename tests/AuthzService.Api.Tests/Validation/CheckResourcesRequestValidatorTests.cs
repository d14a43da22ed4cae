using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.Api.Tests.Validation;

[TestClass]
public sealed class CheckResourcesRequestValidatorTests
{
    private static readonly CheckResourcesRequestValidator Validator = new();

    internal static CheckResourcesRequest Valid()
    {
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice", RequestId = "r1" };
        request.Resources.Add(new ResourceEntry
        {
            Resource = new Resource { Kind = "document", Id = "doc-1" },
            Actions = { "view", "edit" },
        });
        return request;
    }

    private static string Fail(CheckResourcesRequest request)
    {
        var ex = Assert.ThrowsExactly<RpcException>(() => Validator.ThrowIfInvalid(request));
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        return ex.Status.Detail;
    }

    [TestMethod]
    public void Validate_ValidRequest_Passes()
    {
        Validator.ThrowIfInvalid(Valid());
    }

    [TestMethod]
    [DataRow("a:b/c%d{e}")]
    [DataRow("ünïcødé ☺")]
    public void Validate_IdsWithSeparatorsOrUnicode_Pass(string id)
    {
        var request = Valid();
        request.TenantId = id;
        request.PrincipalId = id;
        request.Resources[0].Resource.Id = id;
        Validator.ThrowIfInvalid(request);
    }

    [TestMethod]
    public void Validate_IdOf128Characters_Passes()
    {
        var request = Valid();
        request.PrincipalId = new string('p', 128);
        Validator.ThrowIfInvalid(request);
    }

    [TestMethod]
    public void Validate_MissingTenantAndPrincipal_NamesBothFields()
    {
        var request = Valid();
        request.TenantId = "";
        request.PrincipalId = "";
        var message = Fail(request);
        StringAssert.Contains(message, "tenant_id: is required");
        StringAssert.Contains(message, "principal_id: is required");
    }

    [TestMethod]
    [DataRow("tenant_id")]
    [DataRow("principal_id")]
    [DataRow("team_id")]
    [DataRow("request_id")]
    public void Validate_IdOf129Characters_NamesField(string field)
    {
        var request = Valid();
        var id = new string('x', 129);
        switch (field)
        {
            case "tenant_id": request.TenantId = id; break;
            case "principal_id": request.PrincipalId = id; break;
            case "team_id": request.TeamId = id; break;
            default: request.RequestId = id; break;
        }

        StringAssert.StartsWith(Fail(request), field + ":");
    }

    [TestMethod]
    [DataRow("alice\n")]
    [DataRow("al\u0000ice")]
    [DataRow("\tbob")]
    public void Validate_ControlCharacterInPrincipal_Fails(string id)
    {
        var request = Valid();
        request.PrincipalId = id;
        StringAssert.StartsWith(Fail(request), "principal_id:");
    }

    [TestMethod]
    public void Validate_NoResources_Fails()
    {
        var request = Valid();
        request.Resources.Clear();
        StringAssert.Contains(Fail(request), "resources: must have 1 to 50 entries");
    }

    [TestMethod]
    public void Validate_51Resources_Fails()
    {
        var request = Valid();
        for (var i = 0; i < 50; i++)
        {
            request.Resources.Add(request.Resources[0].Clone());
        }

        StringAssert.Contains(Fail(request), "resources: must have 1 to 50 entries");
    }

    [TestMethod]
    public void Validate_51Actions_NamesTheEntry()
    {
        var request = Valid();
        request.Resources[0].Actions.Clear();
        request.Resources[0].Actions.AddRange(Enumerable.Range(0, 51).Select(i => "a" + i));
        StringAssert.Contains(Fail(request), "resources[0].actions: must have 1 to 50 entries");
    }

    [TestMethod]
    public void Validate_DuplicateAndEmptyActions_Fail()
    {
        var request = Valid();
        request.Resources[0].Actions.Add("view");
        StringAssert.Contains(Fail(request), "resources[0].actions: must not contain duplicates");
        request = Valid();
        request.Resources[0].Actions.Add("");
        StringAssert.Contains(Fail(request), "resources[0].actions: every entry");
    }

    [TestMethod]
    public void Validate_MissingResourceKindAndId_NamesBoth()
    {
        var request = Valid();
        request.Resources.Add(new ResourceEntry { Resource = new Resource(), Actions = { "view" } });
        var message = Fail(request);
        StringAssert.Contains(message, "resources[1].resource.kind: is required");
        StringAssert.Contains(message, "resources[1].resource.id: is required");
    }

    [TestMethod]
    public void Validate_ResourceMissing_Fails()
    {
        var request = Valid();
        request.Resources.Add(new ResourceEntry { Actions = { "view" } });
        StringAssert.Contains(Fail(request), "resources[1].resource: is required");
    }

    [TestMethod]
    public void Validate_BadPolicyVersion_Fails()
    {
        var request = Valid();
        request.Resources[0].Resource.PolicyVersion = "v1.0";
        StringAssert.Contains(Fail(request), "resources[0].resource.policy_version:");
    }

    [TestMethod]
    public void Validate_AttributesTooDeep_Fails()
    {
        var request = Valid();
        var value = Value.ForString("leaf");
        for (var i = 0; i < 10; i++)
        {
            var s = new Struct();
            s.Fields["n"] = value;
            value = Value.ForStruct(s);
        }

        request.Resources[0].Resource.Attr["deep"] = value;
        StringAssert.Contains(Fail(request), "resources[0].resource.attr: values must nest at most 8 levels");
    }

    [TestMethod]
    public void Validate_AttributesTooLarge_Fails()
    {
        var request = Valid();
        request.PrincipalContext["blob"] = Value.ForString(new string('x', 20_000));
        StringAssert.Contains(Fail(request), "principal_context: must encode to at most");
    }

    [TestMethod]
    public void Validate_TooManyAttributeKeys_Fails()
    {
        var request = Valid();
        for (var i = 0; i < 65; i++)
        {
            request.Resources[0].Resource.Attr["k" + i] = Value.ForBool(true);
        }

        StringAssert.Contains(Fail(request), "resources[0].resource.attr: must have at most 64 keys");
    }

    [TestMethod]
    public void Validate_AttributeKeyWithControlCharacter_Fails()
    {
        var request = Valid();
        request.PrincipalContext["bad\nkey"] = Value.ForBool(true);
        StringAssert.Contains(Fail(request), "principal_context: keys must be");
    }

    [TestMethod]
    public void Validate_HugeJwt_Fails()
    {
        var request = Valid();
        request.AuxData = new AuxData { Jwt = new string('j', 16 * 1024 + 1) };
        StringAssert.Contains(Fail(request), "aux_data.jwt:");
    }

    [TestMethod]
    [DataRow("not-a-jwt")]
    [DataRow("a.b.c")]
    public void Validate_MalformedJwt_Fails(string jwt)
    {
        var request = Valid();
        request.AuxData = new AuxData { Jwt = jwt };
        StringAssert.Contains(Fail(request), "aux_data.jwt: is not a JWT");
    }

    // Found by fuzzing (tests/AuthzService.Fuzz, corpus/check-resources and jwt-tenant-claim crash-*): the JWT check threw
    // InvalidOperationException out of the validator (an INTERNAL error, not INVALID_ARGUMENT naming the field).
    [TestMethod]
    [DataRow(new byte[] { 0x7b, 0x22, 0x74, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xd4, 0x22, 0x7d }, DisplayName = "payload not UTF-8")]
    [DataRow(new byte[] { 0x7b, 0x22, 0x74, 0x69, 0x64, 0x22, 0x3a, 0x22, 0x5c, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22, 0x7d }, DisplayName = "unpaired surrogate escape")]
    [DataRow(new byte[] { 0x7b, 0x22, 0x5c, 0x75, 0x64, 0x63, 0x30, 0x30, 0x22, 0x3a, 0x31, 0x7d }, DisplayName = "unpaired surrogate in a claim name")]
    public void Validate_JwtPayloadWithoutText_FailsNamingTheField(byte[] payload)
    {
        var request = Valid();
        request.AuxData = new AuxData { Jwt = "eyJhbGciOiJFUzI1NiJ9." + System.Buffers.Text.Base64Url.EncodeToString(payload) + ".c2ln" };
        StringAssert.Contains(Fail(request), "aux_data.jwt: is not a JWT");
    }

    [TestMethod]
    public void Validate_WellFormedJwt_Passes()
    {
        var request = Valid();
        request.AuxData = new AuxData { Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.sig" };
        Validator.ThrowIfInvalid(request);
    }

    [TestMethod]
    public void Validate_MalformedConsistencyToken_Fails()
    {
        var request = Valid();
        request.Consistency = new Consistency { AtLeastAsFresh = "not a token!" };
        StringAssert.Contains(Fail(request), "consistency.at_least_as_fresh:");
    }

    [TestMethod]
    public void Validate_SeveralProblems_AllReportedInOneMessage()
    {
        var request = Valid();
        request.TenantId = "";
        request.Resources[0].Actions.Clear();
        request.Resources[0].Resource.Kind = "";
        var message = Fail(request);
        StringAssert.Contains(message, "tenant_id:");
        StringAssert.Contains(message, "resources[0].actions:");
        StringAssert.Contains(message, "resources[0].resource.kind:");
    }
}
