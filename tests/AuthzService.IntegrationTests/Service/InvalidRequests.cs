using AuthzService.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// For every validation rule of every request type, a request that breaks it (and only it), named after
/// the rule. Each starts from a valid request, so a case can only fail for its own reason.
/// </summary>
internal static class InvalidRequests
{
    private static readonly string s_129 = new('x', 129);

    public static IEnumerable<TestDataRow<InvalidRequestCase>> CheckResources()
    {
        foreach (var (name, change, expected) in PrincipalRules<CheckResourcesRequest>(
            r => r.RequestId = s_129, r => r.TenantId = "", r => r.TeamId = "t\n", r => r.PrincipalId = "", r => r.PrincipalContext))
        {
            yield return Row(name, ValidCheck(), change, expected);
        }

        yield return Row("no resources", ValidCheck(), r => r.Resources.Clear(), "resources: must have 1 to 50 entries");
        yield return Row("51 resources", ValidCheck(), r => r.Resources.AddRange(Enumerable.Range(0, 50).Select(i => Entry(Resource("document", "d" + i, "acme"), "read"))), "resources: must have 1 to 50 entries");
        yield return Row("resource missing", ValidCheck(), r => r.Resources[0].Resource = null, "resources[0].resource: is required");
        yield return Row("resource kind empty", ValidCheck(), r => r.Resources[0].Resource.Kind = "", "resources[0].resource.kind: is required");
        yield return Row("resource kind too long", ValidCheck(), r => r.Resources[0].Resource.Kind = s_129, "resources[0].resource.kind: must be at most 128");
        yield return Row("resource id empty", ValidCheck(), r => r.Resources[0].Resource.Id = "", "resources[0].resource.id: is required");
        yield return Row("policy version with dot", ValidCheck(), r => r.Resources[0].Resource.PolicyVersion = "v1.2", "resources[0].resource.policy_version: must match");
        foreach (var (name, attr, expected) in AttributeRules())
        {
            yield return Row("resource " + name, ValidCheck(), r => attr(r.Resources[0].Resource.Attr), "resources[0].resource.attr: " + expected);
        }

        yield return Row("second entry bad", ValidCheck(), r => r.Resources.Add(Entry(Resource("document", "", "acme"), "read")), "resources[1].resource.id: is required");
        yield return Row("no actions", ValidCheck(), r => r.Resources[0].Actions.Clear(), "resources[0].actions: must have 1 to 50 entries");
        yield return Row("51 actions", ValidCheck(), r => r.Resources[0].Actions.AddRange(Enumerable.Range(0, 50).Select(i => "a" + i)), "resources[0].actions: must have 1 to 50 entries");
        yield return Row("empty action", ValidCheck(), r => r.Resources[0].Actions.Add(""), "resources[0].actions: every entry must be 1 to 128");
        yield return Row("action with newline", ValidCheck(), r => r.Resources[0].Actions.Add("re\nad"), "resources[0].actions: every entry must be 1 to 128");
        yield return Row("duplicate action", ValidCheck(), r => r.Resources[0].Actions.Add("read"), "resources[0].actions: must not contain duplicates");
        yield return Row("jwt too long", ValidCheck(), r => r.AuxData = new AuxData { Jwt = new string('j', 16 * 1024 + 1) }, "aux_data.jwt: must be at most 16384");
        yield return Row("consistency token malformed", ValidCheck(), r => r.Consistency = new Consistency { AtLeastAsFresh = "not a token!" }, "consistency.at_least_as_fresh: is not a consistency token");
        yield return Row("consistency token unknown", ValidCheck(), r => r.Consistency = new Consistency { AtLeastAsFresh = "abc" }, "consistency.at_least_as_fresh: is not a consistency token");
    }

    public static IEnumerable<TestDataRow<InvalidRequestCase>> PlanResources()
    {
        foreach (var (name, change, expected) in PrincipalRules<PlanResourcesRequest>(
            r => r.RequestId = "r\u0007", r => r.TenantId = s_129, r => r.TeamId = s_129, r => r.PrincipalId = "p\r", r => r.PrincipalContext))
        {
            yield return Row(name, ValidPlan(), change, expected);
        }

        yield return Row("resource missing", ValidPlan(), r => r.Resource = null, "resource: is required");
        yield return Row("resource kind empty", ValidPlan(), r => r.Resource.Kind = "", "resource.kind: is required");
        yield return Row("policy version with dash", ValidPlan(), r => r.Resource.PolicyVersion = "v-1", "resource.policy_version: must match");
        foreach (var (name, attr, expected) in AttributeRules())
        {
            yield return Row("resource " + name, ValidPlan(), r => attr(r.Resource.Attr), "resource.attr: " + expected);
        }

        yield return Row("no actions", ValidPlan(), r => r.Actions.Clear(), "actions: must have 1 to 50 entries");
        yield return Row("51 actions", ValidPlan(), r => r.Actions.AddRange(Enumerable.Range(0, 50).Select(i => "a" + i)), "actions: must have 1 to 50 entries");
        yield return Row("action too long", ValidPlan(), r => r.Actions.Add(s_129), "actions: every entry must be 1 to 128");
        yield return Row("duplicate action", ValidPlan(), r => r.Actions.Add("read"), "actions: must not contain duplicates");
        yield return Row("jwt too long", ValidPlan(), r => r.AuxData = new AuxData { Jwt = new string('j', 16 * 1024 + 1) }, "aux_data.jwt: must be at most 16384");
    }

    public static IEnumerable<TestDataRow<InvalidRequestCase>> Membership()
    {
        static UpsertTenantRequest Tenant() => new() { Tenant = new Tenant { Id = "valid", CerbosScope = "acme", Tier = "pro" } };
        yield return Row("UpsertTenant tenant missing", Tenant(), r => r.Tenant = null, "tenant: is required");
        yield return Row("UpsertTenant id empty", Tenant(), r => r.Tenant.Id = "", "tenant.id: is required");
        yield return Row("UpsertTenant id too long", Tenant(), r => r.Tenant.Id = s_129, "tenant.id: must be at most 128");
        yield return Row("UpsertTenant id newline", Tenant(), r => r.Tenant.Id = "a\nb", "tenant.id: must be at most 128 characters with no control characters");
        yield return Row("UpsertTenant display name too long", Tenant(), r => r.Tenant.DisplayName = new string('d', 257), "tenant.display_name: must be at most 256");
        yield return Row("UpsertTenant display name control", Tenant(), r => r.Tenant.DisplayName = "a\tb", "tenant.display_name: must be at most 256");
        yield return Row("UpsertTenant scope with slash", Tenant(), r => r.Tenant.CerbosScope = "acme/eu", "tenant.cerbos_scope: must be dot-separated");
        yield return Row("UpsertTenant scope empty segment", Tenant(), r => r.Tenant.CerbosScope = "acme..eu", "tenant.cerbos_scope: must be dot-separated");
        yield return Row("UpsertTenant scope too long", Tenant(), r => r.Tenant.CerbosScope = s_129, "tenant.cerbos_scope: must be dot-separated");
        yield return Row("UpsertTenant unknown status", Tenant(), r => r.Tenant.Status = (TenantStatus)7, "tenant.status: is not a known status");
        yield return Row("UpsertTenant unknown tier", Tenant(), r => r.Tenant.Tier = "gold", "tenant.tier: must be one of free, pro, enterprise");

        yield return Row("DeleteTenant id empty", new DeleteTenantRequest(), _ => { }, "tenant_id: is required");
        yield return Row("DeleteTenant id too long", new DeleteTenantRequest(), r => r.TenantId = s_129, "tenant_id: must be at most 128");
        yield return Row("GetTenant id empty", new GetTenantRequest(), _ => { }, "tenant_id: is required");
        yield return Row("GetTenant id newline", new GetTenantRequest(), r => r.TenantId = "a\nb", "tenant_id: must be at most 128");
        yield return Row("ListTenants negative page size", new ListTenantsRequest(), r => r.PageSize = -1, "page_size: must be 0 (default) to 1000");
        yield return Row("ListTenants page size 1001", new ListTenantsRequest(), r => r.PageSize = 1001, "page_size: must be 0 (default) to 1000");
        yield return Row("ListTenants page token too long", new ListTenantsRequest(), r => r.PageToken = new string('t', 1025), "page_token: is too long");

        static UpsertMembershipRequest Member() => new() { Membership = AuthzApi.Membership("acme", "p", "", "viewer") };
        yield return Row("UpsertMembership membership missing", Member(), r => r.Membership = null, "membership: is required");
        yield return Row("UpsertMembership tenant empty", Member(), r => r.Membership.TenantId = "", "membership.tenant_id: is required");
        yield return Row("UpsertMembership principal empty", Member(), r => r.Membership.PrincipalId = "", "membership.principal_id: is required");
        yield return Row("UpsertMembership principal too long", Member(), r => r.Membership.PrincipalId = s_129, "membership.principal_id: must be at most 128");
        yield return Row("UpsertMembership team newline", Member(), r => r.Membership.TeamId = "red\n", "membership.team_id: must be at most 128");
        yield return Row("UpsertMembership 51 roles", Member(), r => r.Membership.Roles.AddRange(Enumerable.Range(0, 50).Select(i => "r" + i)), "membership.roles: must have 0 to 50 entries");
        yield return Row("UpsertMembership empty role", Member(), r => r.Membership.Roles.Add(""), "membership.roles: every entry must be 1 to 128");
        yield return Row("UpsertMembership duplicate role", Member(), r => r.Membership.Roles.Add("viewer"), "membership.roles: must not contain duplicates");
        foreach (var (name, attr, expected) in AttributeRules())
        {
            yield return Row("UpsertMembership " + name, Member(), r => attr(r.Membership.Attr), "membership.attr: " + expected);
        }

        foreach (var reserved in new[] { "tenant_id", "team_id", "tenant_tier", "tenant_status", "context" })
        {
            yield return Row("UpsertMembership reserved key " + reserved, Member(), r => r.Membership.Attr[reserved] = Value.ForString("x"), "membership.attr: must not use reserved keys");
        }

        yield return Row("DeleteMembership tenant empty", new DeleteMembershipRequest { PrincipalId = "p" }, _ => { }, "tenant_id: is required");
        yield return Row("DeleteMembership principal empty", new DeleteMembershipRequest { TenantId = "acme" }, _ => { }, "principal_id: is required");
        yield return Row("DeleteMembership team too long", new DeleteMembershipRequest { TenantId = "acme", PrincipalId = "p" }, r => r.TeamId = s_129, "team_id: must be at most 128");
        yield return Row("ListMemberships tenant empty", new ListMembershipsRequest(), _ => { }, "tenant_id: is required");
        yield return Row("ListMemberships principal newline", new ListMembershipsRequest { TenantId = "acme" }, r => r.PrincipalId = "p\n", "principal_id: must be at most 128");
        yield return Row("ListMemberships page size 1001", new ListMembershipsRequest { TenantId = "acme" }, r => r.PageSize = 1001, "page_size: must be 0 (default) to 1000");
        yield return Row("ListMemberships negative page size", new ListMembershipsRequest { TenantId = "acme" }, r => r.PageSize = -5, "page_size: must be 0 (default) to 1000");
        yield return Row("ListMemberships page token too long", new ListMembershipsRequest { TenantId = "acme" }, r => r.PageToken = new string('t', 1025), "page_token: is too long");
        yield return Row("ListMemberships page token garbage", new ListMembershipsRequest { TenantId = "acme" }, r => r.PageToken = "@@not-base64@@", "page_token");
    }

    public static IEnumerable<TestDataRow<InvalidRequestCase>> Cache()
    {
        yield return Row("Invalidate no scope", new InvalidateRequest(), _ => { }, "scope: one of principal, tenant or policies is required");
        yield return Row("Invalidate principal tenant empty", new InvalidateRequest(), r => r.Principal = new InvalidateRequest.Types.PrincipalScope { PrincipalId = "p" }, "principal.tenant_id: is required");
        yield return Row("Invalidate principal id empty", new InvalidateRequest(), r => r.Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "acme" }, "principal.principal_id: is required");
        yield return Row("Invalidate principal id newline", new InvalidateRequest(), r => r.Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "acme", PrincipalId = "a\nb" }, "principal.principal_id: must be at most 128");
        yield return Row("Invalidate tenant empty", new InvalidateRequest(), r => r.Tenant = new InvalidateRequest.Types.TenantScope(), "tenant.tenant_id: is required");
        yield return Row("Invalidate tenant too long", new InvalidateRequest(), r => r.Tenant = new InvalidateRequest.Types.TenantScope { TenantId = s_129 }, "tenant.tenant_id: must be at most 128");
    }

    public static CheckResourcesRequest ValidCheck() => Check("acme", "alice", Entry(Resource("document", "d", "acme"), "read"));

    public static PlanResourcesRequest ValidPlan() => Plan("acme", "alice", "document", "read");

    private static IEnumerable<(string Name, Action<T> Change, string Expected)> PrincipalRules<T>(
        Action<T> badRequestId, Action<T> badTenant, Action<T> badTeam, Action<T> badPrincipal, Func<T, IDictionary<string, Value>> context)
    {
        yield return ("request id invalid", badRequestId, "request_id: must be at most 128");
        yield return ("tenant id invalid", badTenant, "tenant_id: ");
        yield return ("team id invalid", badTeam, "team_id: must be at most 128");
        yield return ("principal id invalid", badPrincipal, "principal_id: ");
        foreach (var (name, attr, expected) in AttributeRules())
        {
            yield return ("principal context " + name, r => attr(context(r)), "principal_context: " + expected);
        }
    }

    private static IEnumerable<(string Name, Action<IDictionary<string, Value>> Change, string Expected)> AttributeRules()
    {
        yield return ("65 keys", m => { foreach (var i in Enumerable.Range(0, 65)) { m["k" + i] = Value.ForBool(true); } }, "must have at most 64 keys");
        yield return ("empty key", m => m[""] = Value.ForBool(true), "keys must be 1 to 128 characters");
        yield return ("129 character key", m => m[s_129] = Value.ForBool(true), "keys must be 1 to 128 characters");
        yield return ("key with newline", m => m["a\nb"] = Value.ForBool(true), "keys must be 1 to 128 characters");
        yield return ("nested 9 levels", m => m["deep"] = Nested(9), "values must nest at most 8 levels");
        yield return ("over 16 KiB", m => m["big"] = Value.ForString(new string('b', 16 * 1024 + 1)), "must encode to at most 16384 bytes");
    }

    private static Value Nested(int depth) =>
        depth == 0 ? Value.ForNumber(1) : Value.ForStruct(new Struct { Fields = { ["n"] = Nested(depth - 1) } });

    private static TestDataRow<InvalidRequestCase> Row<T>(string name, T request, Action<T> change, string expected)
        where T : IMessage
    {
        change(request);
        return new TestDataRow<InvalidRequestCase>(new InvalidRequestCase(request, expected)) { DisplayName = $"{typeof(T).Name}: {name}" };
    }
}
