using System.Text;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Audit;

/// <summary>Audit events through the real API, and no secret anywhere in the service's output.</summary>
[TestClass]
public sealed class AuditTrailTests
{
    private const string ApiKey = "sk-live-SECRET-4242";
    private const string Password = "hunter2-SECRET-pw";
    private static readonly string s_jwtPayloadSecret = "jwt-SECRET-" + Guid.NewGuid().ToString("N");
    private static AuthzServiceInstance s_service = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("audit", context.CancellationToken);
        s_service = await AuthzServiceInstance.StartAsync(
            database, await CerbosServerFixture.GetSharedAsync(),
            new Dictionary<string, string?>
            {
                ["Audit:AllowSampleRate"] = "1",
                // Everything the service writes, down to Debug, is scanned for secrets.
                ["Logging:LogLevel:Default"] = "Debug",
            },
            context.CancellationToken);
        await Admin("UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme" } }, UpsertTenantResponse.Parser);
        await Admin("UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "frozen", Status = TenantStatus.Suspended } }, UpsertTenantResponse.Parser);
        await Admin("UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "acme", PrincipalId = "alice", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    private static Task<TResponse> Admin<TRequest, TResponse>(string method, TRequest request, Google.Protobuf.MessageParser<TResponse> parser)
        where TRequest : class, Google.Protobuf.IMessage
        where TResponse : class, Google.Protobuf.IMessage<TResponse> =>
        s_service.CallAsync(method == "Invalidate" ? "authz.v1.CacheService" : "authz.v1.MembershipService", method, request, parser);

    /// <summary>An unsigned JWT (Cerbos never sees it in these tests: every call carrying one is decided locally).</summary>
    private static string Jwt(string tenant)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("{\"alg\":\"none\"}") + "." + B64($"{{\"tenant_id\":\"{tenant}\",\"sub\":\"alice\",\"note\":\"{s_jwtPayloadSecret}\"}}") + ".c2lnbmF0dXJlLVNFQ1JFVA";
    }

    private static CheckResourcesRequest Request(string requestId, string tenant, string resourceTenant, string action, string? jwt = null)
    {
        var request = new CheckResourcesRequest { RequestId = requestId, TenantId = tenant, PrincipalId = "alice", TeamId = string.Empty };
        request.PrincipalContext["mfa"] = Value.ForBool(true);
        request.PrincipalContext["api_key"] = Value.ForString(ApiKey);
        var device = new Struct();
        device.Fields["password"] = Value.ForString(Password);
        request.PrincipalContext["device"] = Value.ForStruct(device);
        var resource = new Resource { Kind = "document", Id = "doc-" + requestId };
        resource.Attr["tenant_id"] = Value.ForString(resourceTenant);
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { action } });
        if (jwt is not null)
        {
            request.AuxData = new AuxData { Jwt = jwt };
        }

        return request;
    }

    private static Task<CheckResourcesResponse> Check(CheckResourcesRequest request) =>
        s_service.CallAsync("authz.v1.AuthorizationService", "CheckResources", request, CheckResourcesResponse.Parser);

    private static Task<CapturingLoggerProvider.LogLine> Decision(string requestId) =>
        s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.decision") && l["RequestId"] == requestId);

    [TestMethod]
    public async Task Allow_OneEventWithEveryField()
    {
        await Check(Request("allow-1", "acme", "acme", "read"));

        var e = await Decision("allow-1");

        Assert.AreEqual("ALLOW", e["Effect"]);
        Assert.AreEqual("read", e["Action"]);
        Assert.AreEqual("document", e["ResourceKind"]);
        Assert.AreEqual("doc-allow-1", e["ResourceId"]);
        Assert.AreEqual("alice", e["PrincipalId"]);
        Assert.AreEqual("acme", e["TenantId"]);
        Assert.AreEqual("plaintext", e["Caller"]);
        Assert.AreEqual("/authz.v1.AuthorizationService/CheckResources", e["Method"]);
        Assert.AreEqual("Cerbos", e["Source"]);
        Assert.IsFalse(string.IsNullOrEmpty(e["CerbosCallId"]));
        Assert.IsFalse(string.IsNullOrEmpty(e["MatchedPolicy"]));
        Assert.AreEqual(string.Empty, e["Reason"]);
        StringAssert.Contains(e["PrincipalContext"], "\"mfa\": true");
        StringAssert.Contains(e["PrincipalContext"], "[REDACTED]");
        Assert.IsTrue(DateTimeOffset.TryParse(e["Time"], System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [TestMethod]
    public async Task DenyByPolicy_EventWithReason()
    {
        await Check(Request("deny-1", "acme", "acme", "delete"));

        var e = await Decision("deny-1");

        Assert.AreEqual("DENY", e["Effect"]);
        Assert.AreEqual("denied_by_policy", e["Reason"]);
        Assert.AreEqual("Cerbos", e["Source"]);
    }

    [TestMethod]
    public async Task CrossTenant_DeniedLocallyWithReason()
    {
        await Check(Request("cross-1", "acme", "globex", "read", Jwt("acme")));

        var e = await Decision("cross-1");

        Assert.AreEqual("DENY", e["Effect"]);
        Assert.AreEqual("cross_tenant", e["Reason"]);
        Assert.AreEqual("Local", e["Source"]);
    }

    [TestMethod]
    [DataRow("frozen", "tenant_suspended")]
    [DataRow("nobody-knows", "tenant_unknown")]
    public async Task TenantNotActive_DeniedWithReason(string tenant, string reason)
    {
        await Check(Request("tenant-" + tenant, tenant, tenant, "read"));

        Assert.AreEqual(reason, (await Decision("tenant-" + tenant))["Reason"]);
    }

    [TestMethod]
    public async Task JwtOfAnotherTenant_PermissionDeniedAndAuditedAsDeny()
    {
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => Check(Request("jwt-1", "acme", "acme", "read", Jwt("globex"))));

        var e = await Decision("jwt-1");
        Assert.AreEqual(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.AreEqual("DENY", e["Effect"]);
        Assert.AreEqual("jwt_tenant_mismatch", e["Reason"]);
    }

    [TestMethod]
    public async Task AdminCalls_OneEventEachWithOutcome()
    {
        await Admin("Invalidate", new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = "acme", PrincipalId = "alice" } }, InvalidateResponse.Parser);
        await Assert.ThrowsExactlyAsync<RpcException>(() => Admin("UpsertMembership", new UpsertMembershipRequest
        {
            Membership = new Contracts.V1.Membership { TenantId = "no-such-tenant", PrincipalId = "bob", Roles = { "viewer" } },
        }, UpsertMembershipResponse.Parser));

        var invalidate = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.admin") && l["Method"] == "/authz.v1.CacheService/Invalidate");
        var failed = await s_service.Logs.WaitForAsync(l => CapturingLoggerProvider.IsAudit(l, "audit.admin") && l["TenantId"] == "no-such-tenant");
        Assert.AreEqual("OK", invalidate["Status"]);
        Assert.AreEqual("invalidate_principal", invalidate["Scope"]);
        Assert.AreEqual("alice", invalidate["PrincipalId"]);
        Assert.AreEqual("FailedPrecondition", failed["Status"]);
        Assert.AreEqual("/authz.v1.MembershipService/UpsertMembership", failed["Method"]);
    }

    [TestMethod]
    public async Task EverythingLogged_NeverContainsASecret()
    {
        await Check(Request("scan-allow", "acme", "acme", "read"));
        await Check(Request("scan-cross", "acme", "globex", "read", Jwt("acme")));
        await Assert.ThrowsExactlyAsync<RpcException>(() => Check(Request("scan-jwt", "acme", "acme", "read", Jwt("globex"))));
        await Decision("scan-jwt");

        var jwt = Jwt("acme");
        var forbidden = new[] { ApiKey, Password, s_jwtPayloadSecret, jwt, jwt.Split('.')[1], "c2lnbmF0dXJlLVNFQ1JFVA", "PRIVATE KEY", "BEGIN CERTIFICATE" };
        var leaks = s_service.Logs.Lines
            .SelectMany(l => new[] { l.Message, l.Exception ?? string.Empty }.Concat(l.State.Values.Select(v => v ?? string.Empty)).Select(text => (l, text)))
            .SelectMany(x => forbidden.Where(f => x.text.Contains(f, StringComparison.Ordinal)).Select(f => $"{f} in {x.l.Category}: {x.text}"))
            .ToList();
        Assert.IsGreaterThan(20, s_service.Logs.Lines.Count, "the scan covers a real amount of output");
        Assert.IsEmpty(leaks, string.Join("\n", leaks));
    }
}
