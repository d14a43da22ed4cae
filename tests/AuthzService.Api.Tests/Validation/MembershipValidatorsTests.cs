using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using FluentValidation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.Api.Tests.Validation;

[TestClass]
public sealed class MembershipValidatorsTests
{
    private static string Fail<T>(IValidator<T> validator, T request)
    {
        var ex = Assert.ThrowsExactly<RpcException>(() => validator.ThrowIfInvalid(request));
        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        return ex.Status.Detail;
    }

    private static UpsertMembershipRequest ValidMembership() => new()
    {
        Membership = new Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "member" } },
    };

    [TestMethod]
    public void UpsertMembership_Valid_Passes()
    {
        new UpsertMembershipRequestValidator().ThrowIfInvalid(ValidMembership());
    }

    [TestMethod]
    public void UpsertMembership_EmptyRoles_Passes()
    {
        var request = ValidMembership();
        request.Membership.Roles.Clear();
        new UpsertMembershipRequestValidator().ThrowIfInvalid(request);
    }

    [TestMethod]
    public void UpsertMembership_Missing_Fails()
    {
        StringAssert.Contains(Fail(new UpsertMembershipRequestValidator(), new UpsertMembershipRequest()), "membership: is required");
    }

    [TestMethod]
    [DataRow("tenant_id")]
    [DataRow("team_id")]
    [DataRow("context")]
    public void UpsertMembership_ReservedAttributeKey_Fails(string key)
    {
        var request = ValidMembership();
        request.Membership.Attr[key] = Value.ForString("x");
        StringAssert.Contains(Fail(new UpsertMembershipRequestValidator(), request), "membership.attr: must not use reserved keys");
    }

    [TestMethod]
    public void UpsertMembership_BadIdsAndDuplicateRoles_NameEveryField()
    {
        var request = ValidMembership();
        request.Membership.TenantId = "";
        request.Membership.TeamId = new string('t', 129);
        request.Membership.Roles.Add("member");
        var message = Fail(new UpsertMembershipRequestValidator(), request);
        StringAssert.Contains(message, "membership.tenant_id:");
        StringAssert.Contains(message, "membership.team_id:");
        StringAssert.Contains(message, "membership.roles: must not contain duplicates");
    }

    [TestMethod]
    [DataRow("acme..x")]
    [DataRow("acme/x")]
    [DataRow(".acme")]
    public void UpsertTenant_BadScope_Fails(string scope)
    {
        var request = new UpsertTenantRequest { Tenant = new Tenant { Id = "acme", CerbosScope = scope } };
        StringAssert.Contains(Fail(new UpsertTenantRequestValidator(), request), "tenant.cerbos_scope:");
    }

    [TestMethod]
    public void UpsertTenant_UnknownStatusAndBadTier_Fail()
    {
        var request = new UpsertTenantRequest { Tenant = new Tenant { Id = "acme", Status = (TenantStatus)42, Tier = "gold" } };
        var message = Fail(new UpsertTenantRequestValidator(), request);
        StringAssert.Contains(message, "tenant.status:");
        StringAssert.Contains(message, "tenant.tier:");
    }

    [TestMethod]
    public void UpsertTenant_ValidWithScope_Passes()
    {
        new UpsertTenantRequestValidator().ThrowIfInvalid(new UpsertTenantRequest
        {
            Tenant = new Tenant { Id = "acme", CerbosScope = "acme.eu", Tier = "pro", Status = TenantStatus.Suspended },
        });
    }

    [TestMethod]
    public void DeleteMembership_MissingIds_NamesBoth()
    {
        var message = Fail(new DeleteMembershipRequestValidator(), new DeleteMembershipRequest());
        StringAssert.Contains(message, "tenant_id: is required");
        StringAssert.Contains(message, "principal_id: is required");
    }

    [TestMethod]
    public void ListMemberships_PageSizeOutOfRange_Fails()
    {
        var message = Fail(new ListMembershipsRequestValidator(), new ListMembershipsRequest { TenantId = "acme", PageSize = 1001 });
        StringAssert.Contains(message, "page_size:");
        Fail(new ListMembershipsRequestValidator(), new ListMembershipsRequest { TenantId = "acme", PageSize = -1 });
    }

    [TestMethod]
    public void ListTenants_PageSizeOutOfRange_Fails()
    {
        StringAssert.Contains(Fail(new ListTenantsRequestValidator(), new ListTenantsRequest { PageSize = 5000 }), "page_size:");
    }

    [TestMethod]
    public void DeleteAndGetTenant_MissingId_Fail()
    {
        StringAssert.Contains(Fail(new DeleteTenantRequestValidator(), new DeleteTenantRequest()), "tenant_id: is required");
        StringAssert.Contains(Fail(new GetTenantRequestValidator(), new GetTenantRequest()), "tenant_id: is required");
    }

    [TestMethod]
    public void Invalidate_NoScope_Fails()
    {
        StringAssert.Contains(Fail(new InvalidateRequestValidator(), new InvalidateRequest()), "scope: one of principal, tenant or policies is required");
    }

    [TestMethod]
    public void Invalidate_PrincipalWithoutIds_NamesBoth()
    {
        var message = Fail(new InvalidateRequestValidator(), new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope() });
        StringAssert.Contains(message, "principal.tenant_id:");
        StringAssert.Contains(message, "principal.principal_id:");
    }

    [TestMethod]
    public void Invalidate_Policies_Passes()
    {
        new InvalidateRequestValidator().ThrowIfInvalid(new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() });
    }

    [TestMethod]
    public void PlanResources_MissingResourceAndActions_NamesBoth()
    {
        var message = Fail(new PlanResourcesRequestValidator(), new PlanResourcesRequest { TenantId = "acme", PrincipalId = "alice" });
        StringAssert.Contains(message, "resource: is required");
        StringAssert.Contains(message, "actions: must have 1 to 50 entries");
    }
}
