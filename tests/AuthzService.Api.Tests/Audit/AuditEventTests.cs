using AuthzService.Api.Audit;
using AuthzService.Api.Telemetry;
using AuthzService.Contracts.V1;
using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using CoreDecisionSource = AuthzService.Core.Decisions.DecisionSource;
using CoreDenyReason = AuthzService.Core.Decisions.DenyReason;
using CoreEffect = AuthzService.Core.Decisions.Effect;

namespace AuthzService.Api.Tests.Audit;

/// <summary>
/// The audit events as written: one per decision whatever the context holds, and a rendered message whose
/// values cannot pose as other fields (the structured values stay exactly as received).
/// </summary>
[TestClass]
public sealed class AuditEventTests
{
    private static readonly ServiceProvider s_services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [ClassCleanup]
    public static void Cleanup() => s_services.Dispose();

    private static (DecisionAuditor Auditor, CapturingLoggerProvider Logs) Auditor()
    {
        var logs = new CapturingLoggerProvider();
        var trail = new AuditTrail(logs, Microsoft.Extensions.Options.Options.Create(new AuditOptions()), new AuthzMetrics(s_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        return (new DecisionAuditor(trail), logs);
    }

    private static CheckResourcesRequest Request(Value contextValue)
    {
        var request = new CheckResourcesRequest { RequestId = "r1", TenantId = "acme", PrincipalId = "alice" };
        request.PrincipalContext["mfa"] = Value.ForBool(true);
        request.PrincipalContext["odd"] = contextValue;
        request.Resources.Add(new ResourceEntry { Resource = new Contracts.V1.Resource { Kind = "document", Id = "d1" }, Actions = { "read", "delete" } });
        request.Resources.Add(new ResourceEntry { Resource = new Contracts.V1.Resource { Kind = "document", Id = "d2" }, Actions = { "read" } });
        return request;
    }

    private static CheckOutcome Outcome()
    {
        static ResourceOutcome Result(string id, params (string Action, CoreEffect Effect)[] actions) => new(
            new RequestedResource("document", id, new Dictionary<string, object?>(), string.Empty, [.. actions.Select(a => a.Action)]),
            actions.ToDictionary(a => a.Action, a => a.Effect),
            CoreDenyReason.None,
            CoreDecisionSource.Cerbos,
            null);

        return new CheckOutcome(
            [Result("d1", ("read", CoreEffect.Allow), ("delete", CoreEffect.Deny)), Result("d2", ("read", CoreEffect.Allow))],
            null,
            PrincipalBuildOutcome.Built);
    }

    [TestMethod]
    public void Checked_ContextValueWithoutKind_EveryDecisionAuditedExactlyOnce()
    {
        var (auditor, logs) = Auditor();
        var request = Request(new Value());

        auditor.Checked(new TestCallContext(), request, Outcome());

        var decisions = logs.Lines.Where(e => e.Message.StartsWith("audit.decision ", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, decisions, string.Join("\n", logs.Lines.Select(e => e.Message)));
        CollectionAssert.AreEquivalent(
            new[] { "d1/read/ALLOW", "d1/delete/DENY", "d2/read/ALLOW" },
            decisions.Select(d => $"{d.State["ResourceId"]}/{d.State["Action"]}/{d.State["Effect"]}").ToArray());
        Assert.IsTrue(decisions.All(d => d.State["PrincipalContext"]!.Contains("\"odd\": null", StringComparison.Ordinal)), decisions[0].State["PrincipalContext"]);
    }

    [TestMethod]
    public void CheckFailed_ContextValueWithoutKind_EveryRequestedActionAuditedOnce()
    {
        var (auditor, logs) = Auditor();

        auditor.CheckFailed(new TestCallContext(), Request(new Value()), new PdpUnavailableException("down"));

        var decisions = logs.Lines.Where(e => e.Message.StartsWith("audit.decision ", StringComparison.Ordinal)).ToList();
        Assert.HasCount(3, decisions);
        Assert.IsTrue(decisions.All(d => d.State["Effect"] == "DENY" && d.State["Reason"] == "pdp_unavailable"));
    }

    [TestMethod]
    public void Decision_IdsWithSpacesEqualsAndQuotes_RenderedQuotedStateKeptRaw()
    {
        var logs = new CapturingLoggerProvider();
        var logger = logs.CreateLogger(AuditTrail.Category);
        const string principal = "mallory effect=ALLOW tenant=globex";
        const string resourceId = "doc \"1\"";

        AuditLog.Decision(
            logger, "DENY", "read", "document", resourceId, principal, "acme", string.Empty, "caller-1", "r 1",
            "/authz.v1.AuthorizationService/CheckResources", "Cerbos", "call-1", "resource.document.vdefault", "denied_by_policy",
            "{ \"mfa\": true }", "2026-01-01T00:00:00.000Z");

        var entry = logs.Lines.Single();
        StringAssert.StartsWith(entry.Message, "audit.decision effect=DENY action=read ");
        StringAssert.Contains(entry.Message, "principal=\"mallory effect=ALLOW tenant=globex\"");
        StringAssert.Contains(entry.Message, "resource_id=\"doc \\\"1\\\"\"");
        StringAssert.Contains(entry.Message, " team=\"\" ");
        StringAssert.Contains(entry.Message, " request_id=\"r 1\" ");
        StringAssert.Contains(entry.Message, " tenant=acme ");
        Assert.AreEqual(1, CountOutsideQuotes(entry.Message, "effect="), entry.Message);
        Assert.AreEqual(1, CountOutsideQuotes(entry.Message, "tenant="), entry.Message);
        Assert.AreEqual(principal, entry.State["PrincipalId"]);
        Assert.AreEqual(resourceId, entry.State["ResourceId"]);
        Assert.AreEqual(string.Empty, entry.State["TeamId"]);
        Assert.AreEqual(5000, entry.EventId);
    }

    [TestMethod]
    [DataRow("\u202E", "\\u202E")]
    [DataRow("\u2066", "\\u2066")]
    [DataRow("\u200B", "\\u200B")]
    [DataRow("\n", "\\n")]
    [DataRow("\u2028", "\\u2028")]
    public void Messages_FormatAndControlCharacters_EscapedInTextOnly(string character, string escaped)
    {
        // Ids are refused with these; the caller identity, peer, detail and context are not ids and are escaped.
        var logs = new CapturingLoggerProvider();
        var logger = logs.CreateLogger(AuditTrail.Category);
        var detail = "bad" + character + "cert";

        AuditLog.AuthenticationFailed(logger, "untrusted_issuer", "ipv4:1.2.3.4:5", "spiffe://x" + character, detail, "t");
        AuditLog.Admin(logger, "/authz.v1.MembershipService/UpsertTenant", "OK", "c" + character, "a", "p", "t", "tenant", "t");
        AuditLog.Plan(logger, "AlwaysDenied", "document", "read", "p", "a", "", "c", "r", "m", "x" + character, "{}", "t");
        AuditLog.AuthorizationFailed(logger, "not_on_allow_list", "c" + character, "/m", "peer", "t");

        Assert.HasCount(4, logs.Lines);
        foreach (var entry in logs.Lines)
        {
            Assert.DoesNotContain(character, entry.Message);
            StringAssert.Contains(entry.Message, escaped);
        }

        Assert.AreEqual(detail, logs.Lines.First().State["Detail"]);
    }

    /// <summary>How often <paramref name="token"/> appears in the message outside double-quoted values.</summary>
    private static int CountOutsideQuotes(string message, string token)
    {
        var count = 0;
        var quoted = false;
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == '\\' && quoted)
            {
                i++;
                continue;
            }

            if (message[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && string.CompareOrdinal(message, i, token, 0, token.Length) == 0 && (i == 0 || message[i - 1] == ' '))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A call as Grpc.AspNetCore hands it to interceptors; its HttpContext is found the documented way (UserState).</summary>
    private sealed class TestCallContext : ServerCallContext
    {
        private readonly Dictionary<object, object> _userState = new() { ["__HttpContext"] = new DefaultHttpContext() };

        protected override string MethodCore => "/authz.v1.AuthorizationService/CheckResources";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override IDictionary<object, object> UserStateCore => _userState;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
