using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Audit;

/// <summary>
/// Through the real API: input that cannot be audited faithfully is refused before any decision, and the
/// audit lines of ids that are legal but look like log syntax (spaces, '=', quotes) cannot be spoofed.
/// </summary>
[TestClass]
public sealed class AuditHardeningTests
{
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("audit_hardening", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            database, await CerbosServerFixture.GetSharedAsync(), new Dictionary<string, string?> { ["Audit:AllowSampleRate"] = "1" }, context.CancellationToken);
        await s_service.UpsertTenantAsync("acme");
        await s_service.GrantAsync("acme", "alice", "", "viewer");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    private static List<CapturingLoggerProvider.LogLine> DecisionsOf(string requestId) =>
        [.. s_service.Logs.Lines.Where(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["RequestId"] == requestId)];

    [TestMethod]
    public async Task CheckResources_PrincipalContextValueWithoutKind_InvalidArgumentNamingFieldBeforeAnyDecision()
    {
        var request = Check("acme", "alice", "document", "read");
        request.PrincipalContext["mfa"] = new Value();

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));
        var valid = Check("acme", "alice", "document", "read");
        await s_service.CheckAsync(valid);
        await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["RequestId"] == valid.RequestId);

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode, ex.Status.Detail);
        StringAssert.StartsWith(ex.Status.Detail, "principal_context: values must each have a kind");
        Assert.IsEmpty(DecisionsOf(request.RequestId), "refused before deciding, so nothing to audit");
    }

    [TestMethod]
    public async Task CheckResources_ResourceAttrValueWithoutKind_InvalidArgumentNamingField()
    {
        var request = Check("acme", "alice", "document", "read");
        request.Resources[0].Resource.Attr["nested"] = Value.ForList(new Value());

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode, ex.Status.Detail);
        StringAssert.StartsWith(ex.Status.Detail, "resources[0].resource.attr: values must each have a kind");
    }

    [TestMethod]
    public async Task UpsertMembership_AttrValueWithoutKindOrNaN_InvalidArgumentAndNothingStored()
    {
        var principal = Unique("m");
        var membership = Membership("acme", principal, "", "viewer");
        membership.Attr["level"] = Value.ForNumber(double.NaN);
        var kindless = Membership("acme", principal, "", "viewer");
        kindless.Attr["level"] = new Value();

        var nan = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = membership }));
        var none = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = kindless }));
        var listed = await s_service.ListMembershipsAsync(new ListMembershipsRequest { TenantId = "acme", PrincipalId = principal });

        Assert.AreEqual(StatusCode.InvalidArgument, nan.StatusCode, nan.Status.Detail);
        Assert.AreEqual(StatusCode.InvalidArgument, none.StatusCode, none.Status.Detail);
        StringAssert.StartsWith(nan.Status.Detail, "membership.attr: values must each have a kind");
        StringAssert.StartsWith(none.Status.Detail, "membership.attr: values must each have a kind");
        Assert.IsEmpty(listed.Memberships);
    }

    [TestMethod]
    [DataRow("tenant_id", "\u202E")]
    [DataRow("principal_id", "\u2067")]
    [DataRow("team_id", "\u202A")]
    [DataRow("request_id", "\u2069")]
    [DataRow("resources[0].resource.kind", "\u202D")]
    [DataRow("resources[0].resource.id", "\u200F")]
    [DataRow("resources[0].actions", "\u2066")]
    public async Task CheckResources_BidiControlInId_InvalidArgumentNamingFieldAndNotAudited(string field, string bidi)
    {
        var request = Check("acme", "alice", "document", "read");
        switch (field)
        {
            case "tenant_id": request.TenantId += bidi; break;
            case "principal_id": request.PrincipalId += bidi; break;
            case "team_id": request.TeamId = "red" + bidi; break;
            case "request_id": request.RequestId += bidi; break;
            case "resources[0].resource.kind": request.Resources[0].Resource.Kind += bidi; break;
            case "resources[0].resource.id": request.Resources[0].Resource.Id += bidi; break;
            default: request.Resources[0].Actions.Add("x" + bidi); break;
        }

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.CheckAsync(request));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        StringAssert.StartsWith(ex.Status.Detail, field + ": ");
        StringAssert.Contains(ex.Status.Detail, "128 characters with no control characters, format characters (Unicode Cf, e.g. bidi controls)");
        Assert.IsFalse(s_service.Logs.Lines.Any(l => l.Message.Contains(bidi, StringComparison.Ordinal)), "no log line carries the character");
    }

    [TestMethod]
    public async Task UpsertMembership_BidiControlInIds_InvalidArgumentNamingEachField()
    {
        var membership = Membership("acme\u202E", "eve\u2066", "red\u2069", "viewer\u202B");

        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => s_service.UpsertMembershipAsync(new UpsertMembershipRequest { Membership = membership }));

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        foreach (var field in new[] { "membership.tenant_id:", "membership.principal_id:", "membership.team_id:", "membership.roles:" })
        {
            StringAssert.Contains(ex.Status.Detail, field);
        }
    }

    [TestMethod]
    public async Task CheckResources_IdsThatLookLikeLogFields_AuditLineQuotesThemAndStateKeepsThem()
    {
        // Legal ids: spaces, '=' and quotes are data. The rendered line must not read as "effect=ALLOW tenant=globex".
        const string tenant = "acme";
        var principal = Unique("x") + " effect=ALLOW tenant=globex";
        await s_service.GrantAsync(tenant, principal, "", "viewer");
        var request = Check(tenant, principal, Entry(Resource("document", "doc \"1\" action=delete", tenant), "delete"));
        request.RequestId = "spoof " + Guid.NewGuid().ToString("N")[..6];

        await s_service.CheckAsync(request);
        var line = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["RequestId"] == request.RequestId);

        StringAssert.StartsWith(line.Message, "audit.decision effect=DENY action=delete ");
        StringAssert.Contains(line.Message, $"principal=\"{principal}\"");
        StringAssert.Contains(line.Message, "resource_id=\"doc \\\"1\\\" action=delete\"");
        StringAssert.Contains(line.Message, $"request_id=\"{request.RequestId}\"");
        StringAssert.Contains(line.Message, " tenant=acme ");
        Assert.AreEqual(principal, line["PrincipalId"]);
        Assert.AreEqual("doc \"1\" action=delete", line["ResourceId"]);
        Assert.AreEqual("DENY", line["Effect"]);
    }
}
