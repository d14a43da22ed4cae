using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using FluentValidation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.Api.Tests.Validation;

/// <summary>
/// Input that used to pass validation and then hurt later: format characters (bidi controls) in ids that
/// spoof log lines, <c>google.protobuf.Value</c>s without a kind or with a non-finite number that cannot be
/// written as JSON, a key set id without a token, and team roles on tenant-wide memberships.
/// </summary>
[TestClass]
public sealed class HardenedInputValidationTests
{
    /// <summary>Bidi embeddings/overrides/isolates, other format characters (Cf) and line separators.</summary>
    public static IEnumerable<object[]> SpoofingCharacters =>
    [
        ["\u202A"], ["\u202B"], ["\u202C"], ["\u202D"], ["\u202E"],
        ["\u2066"], ["\u2067"], ["\u2068"], ["\u2069"],
        ["\u200B"], ["\u200E"], ["\uFEFF"], ["\u00AD"], ["\u2028"], ["\u2029"], ["\u0085"],
    ];

    private static string Fail<T>(IValidator<T> validator, T request)
    {
        var ex = Assert.ThrowsExactly<RpcException>(() => validator.ThrowIfInvalid(request));
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        return ex.Status.Detail;
    }

    private static CheckResourcesRequest Check() => CheckResourcesRequestValidatorTests.Valid();

    private static PlanResourcesRequest Plan() => new()
    {
        RequestId = "r1",
        TenantId = "acme",
        PrincipalId = "alice",
        Resource = new PlanResource { Kind = "document" },
        Actions = { "read" },
    };

    private static UpsertMembershipRequest Membership() => new()
    {
        Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "member" } },
    };

    [TestMethod]
    [DynamicData(nameof(SpoofingCharacters))]
    public void CheckResources_SpoofingCharacterInEveryIdField_NamesEachField(string c)
    {
        var request = Check();
        request.RequestId = "r" + c;
        request.TenantId = "acme" + c;
        request.TeamId = "red" + c;
        request.PrincipalId = "ali" + c + "ce";
        request.Resources[0].Resource.Kind = "doc" + c;
        request.Resources[0].Resource.Id = "d" + c;
        request.Resources[0].Actions.Add("del" + c + "ete");

        var message = Fail(new CheckResourcesRequestValidator(), request);

        foreach (var field in new[] { "request_id", "tenant_id", "team_id", "principal_id", "resources[0].resource.kind", "resources[0].resource.id", "resources[0].actions" })
        {
            StringAssert.Contains(message, field + ":", $"U+{(int)c[0]:X4}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(SpoofingCharacters))]
    public void PlanResources_SpoofingCharacterInEveryIdField_NamesEachField(string c)
    {
        var request = Plan();
        request.RequestId += c;
        request.TenantId += c;
        request.TeamId = "t" + c;
        request.PrincipalId += c;
        request.Resource.Kind += c;
        request.Actions.Add("x" + c);

        var message = Fail(new PlanResourcesRequestValidator(), request);

        foreach (var field in new[] { "request_id", "tenant_id", "team_id", "principal_id", "resource.kind", "actions" })
        {
            StringAssert.Contains(message, field + ":");
        }
    }

    [TestMethod]
    [DynamicData(nameof(SpoofingCharacters))]
    public void DirectoryAndCacheRequests_SpoofingCharacterInIds_NameEachField(string c)
    {
        var membership = Membership();
        membership.Membership.TenantId += c;
        membership.Membership.PrincipalId += c;
        membership.Membership.TeamId = "t" + c;
        membership.Membership.Roles.Add("r" + c);
        var upsertMembership = Fail(new UpsertMembershipRequestValidator(), membership);
        var deleteMembership = Fail(new DeleteMembershipRequestValidator(), new DeleteMembershipRequest { TenantId = "a" + c, PrincipalId = "p" + c, TeamId = "t" + c });
        var listMemberships = Fail(new ListMembershipsRequestValidator(), new ListMembershipsRequest { TenantId = "a" + c, PrincipalId = "p" + c });
        var upsertTenant = Fail(new UpsertTenantRequestValidator(), new UpsertTenantRequest { Tenant = new Tenant { Id = "a" + c } });
        var getTenant = Fail(new GetTenantRequestValidator(), new GetTenantRequest { TenantId = "a" + c });
        var deleteTenant = Fail(new DeleteTenantRequestValidator(), new DeleteTenantRequest { TenantId = "a" + c });
        var invalidatePrincipal = Fail(new InvalidateRequestValidator(), new InvalidateRequest
        {
            Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "a" + c, PrincipalId = "p" + c },
        });
        var invalidateTenant = Fail(new InvalidateRequestValidator(), new InvalidateRequest
        {
            Tenant = new InvalidateRequest.Types.TenantScope { TenantId = "a" + c },
        });

        foreach (var field in new[] { "membership.tenant_id:", "membership.principal_id:", "membership.team_id:", "membership.roles:" })
        {
            StringAssert.Contains(upsertMembership, field);
        }

        foreach (var field in new[] { "tenant_id:", "principal_id:", "team_id:" })
        {
            StringAssert.Contains(deleteMembership, field);
        }

        StringAssert.Contains(listMemberships, "tenant_id:");
        StringAssert.Contains(listMemberships, "principal_id:");
        StringAssert.Contains(upsertTenant, "tenant.id:");
        StringAssert.Contains(getTenant, "tenant_id:");
        StringAssert.Contains(deleteTenant, "tenant_id:");
        StringAssert.Contains(invalidatePrincipal, "principal.tenant_id:");
        StringAssert.Contains(invalidatePrincipal, "principal.principal_id:");
        StringAssert.Contains(invalidateTenant, "tenant.tenant_id:");
    }

    [TestMethod]
    public void CheckResources_SpoofingCharacter_MessageSaysWhy()
    {
        var request = Check();
        request.PrincipalId = "alice\u202Eecila";

        var message = Fail(new CheckResourcesRequestValidator(), request);

        StringAssert.StartsWith(message, "principal_id: must be at most 128 characters with no control characters");
        StringAssert.Contains(message, "format characters");
    }

    [TestMethod]
    [DataRow("alice bob")]
    [DataRow("a=b")]
    [DataRow("\"quoted\"")]
    [DataRow("ünïcødé ☺ 日本")]
    [DataRow("emoji-😀")]
    public void CheckResources_IdsWithSpacesEqualsQuotesOrUnicode_StillValid(string id)
    {
        var request = Check();
        request.PrincipalId = id;
        request.TenantId = id;
        request.Resources[0].Resource.Id = id;

        new CheckResourcesRequestValidator().ThrowIfInvalid(request);
    }

    [TestMethod]
    public void CheckResources_FormatCharacterOutsideTheBasicPlane_Fails()
    {
        // U+E0041 (TAG LATIN CAPITAL LETTER A) is a format character encoded as a surrogate pair.
        var request = Check();
        request.PrincipalId = "alice" + char.ConvertFromUtf32(0xE0041);

        StringAssert.StartsWith(Fail(new CheckResourcesRequestValidator(), request), "principal_id:");
    }

    /// <summary>Values that cannot be written as JSON: no kind at all, or a non-finite number (at any depth).</summary>
    private static Value Unwritable(string name) => name switch
    {
        "no kind" => new Value(),
        "NaN" => Value.ForNumber(double.NaN),
        "Infinity" => Value.ForNumber(double.PositiveInfinity),
        "no kind in a struct" => Value.ForStruct(new Struct { Fields = { ["inner"] = new Value() } }),
        "no kind in a list" => Value.ForList(Value.ForString("ok"), new Value()),
        "-Infinity in a list in a struct" => Value.ForStruct(new Struct { Fields = { ["l"] = Value.ForList(Value.ForNumber(double.NegativeInfinity)) } }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [TestMethod]
    [DataRow("no kind")]
    [DataRow("NaN")]
    [DataRow("Infinity")]
    [DataRow("no kind in a struct")]
    [DataRow("no kind in a list")]
    [DataRow("-Infinity in a list in a struct")]
    public void EveryValueMap_UnwritableValue_InvalidArgumentNamingTheMap(string name)
    {
        var context = Check();
        context.PrincipalContext["bad"] = Unwritable(name);
        var resourceAttr = Check();
        resourceAttr.Resources[0].Resource.Attr["bad"] = Unwritable(name);
        var planContext = Plan();
        planContext.PrincipalContext["bad"] = Unwritable(name);
        var planAttr = Plan();
        planAttr.Resource.Attr["bad"] = Unwritable(name);
        var membership = Membership();
        membership.Membership.Attr["bad"] = Unwritable(name);

        StringAssert.StartsWith(Fail(new CheckResourcesRequestValidator(), context), "principal_context: values must each have a kind", name);
        StringAssert.StartsWith(Fail(new CheckResourcesRequestValidator(), resourceAttr), "resources[0].resource.attr: values must each have a kind", name);
        StringAssert.StartsWith(Fail(new PlanResourcesRequestValidator(), planContext), "principal_context: values must each have a kind", name);
        StringAssert.StartsWith(Fail(new PlanResourcesRequestValidator(), planAttr), "resource.attr: values must each have a kind", name);
        StringAssert.StartsWith(Fail(new UpsertMembershipRequestValidator(), membership), "membership.attr: values must each have a kind", name);
    }

    [TestMethod]
    public void EveryValueMap_NullAndFiniteValues_Pass()
    {
        var request = Check();
        request.PrincipalContext["null"] = Value.ForNull();
        request.PrincipalContext["n"] = Value.ForNumber(double.MaxValue);
        request.PrincipalContext["l"] = Value.ForList();
        request.PrincipalContext["s"] = Value.ForStruct(new Struct());

        new CheckResourcesRequestValidator().ThrowIfInvalid(request);
    }

    [TestMethod]
    public void AuxData_KeySetIdWithoutJwt_NamesKeySetId()
    {
        var request = Check();
        request.AuxData = new AuxData { KeySetId = "test" };

        StringAssert.StartsWith(Fail(new CheckResourcesRequestValidator(), request), "aux_data.key_set_id: requires aux_data.jwt");
    }

    [TestMethod]
    [DataRow("k\u202E")]
    [DataRow("k\n")]
    public void AuxData_KeySetIdNotAnId_NamesKeySetId(string keySetId)
    {
        var request = Plan();
        request.AuxData = new AuxData { Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.c2ln", KeySetId = keySetId };

        StringAssert.StartsWith(Fail(new PlanResourcesRequestValidator(), request), "aux_data.key_set_id:");
    }

    [TestMethod]
    public void AuxData_KeySetIdWithJwt_Passes()
    {
        var request = Check();
        request.AuxData = new AuxData { Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.c2ln", KeySetId = "test" };

        new CheckResourcesRequestValidator().ThrowIfInvalid(request);
    }

    [TestMethod]
    [DataRow("team_lead")]
    [DataRow("team_member")]
    [DataRow("team_")]
    public void UpsertMembership_TeamRoleOnTenantWideMembership_NamesRoles(string role)
    {
        var request = Membership();
        request.Membership.Roles.Add(role);

        var message = Fail(new UpsertMembershipRequestValidator(), request);

        StringAssert.StartsWith(message, "membership.roles:");
        StringAssert.Contains(message, role);
        StringAssert.Contains(message, "membership.team_id");
    }

    [TestMethod]
    public void UpsertMembership_TeamRoleInTeamMembership_Passes()
    {
        var request = Membership();
        request.Membership.TeamId = "red";
        request.Membership.Roles.Add("team_lead");

        new UpsertMembershipRequestValidator().ThrowIfInvalid(request);
    }

    [TestMethod]
    [DataRow("teams_admin")]
    [DataRow("TEAM_LEAD")]
    [DataRow("my_team_lead")]
    public void UpsertMembership_RoleThatIsNotATeamRole_PassesTenantWide(string role)
    {
        var request = Membership();
        request.Membership.Roles.Add(role);

        new UpsertMembershipRequestValidator().ThrowIfInvalid(request);
    }
}
