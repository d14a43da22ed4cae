using AuthzService.Core.Decisions;
using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;
using static AuthzService.Testing.CerbosTestData;
using ResultEntry = Cerbos.Api.V1.Response.CheckResourcesResponse.Types.ResultEntry;
using ValidationError = Cerbos.Api.V1.Schema.ValidationError;
using WireEffect = Cerbos.Api.V1.Effect.Effect;

namespace AuthzService.Infrastructure.Tests.Cerbos;

/// <summary>Pure tests (no network): answers that do not match the request become flagged denies.</summary>
[TestClass]
public sealed class CerbosProtocolErrorTests
{
    private readonly FakeCerbosCaller _cerbos = new();
    private readonly CapturingLoggerProvider _logs = new();

    private static PdpCheckRequest TwoResources() => Check(
        Principal("gx_member", "globex", "member"),
        Resource("project", "p-1", "globex", "gx_member", string.Empty, "read", "update"),
        Resource("document", "d-1", "globex", "gx_member", string.Empty, "read"));

    [TestMethod]
    public async Task CheckAsync_MatchingAnswer_MapsEffectsWithoutProtocolError()
    {
        _cerbos.Check = r => Answer(r, (_, _) => WireEffect.Allow);

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        Assert.IsFalse(result.ProtocolError);
        Assert.IsTrue(result.Results.All(d => d.Actions.Values.All(e => e == Effect.Allow)));
        Assert.AreEqual("call-1", result.CallId);
    }

    [TestMethod]
    public async Task CheckAsync_ActionMissingFromAnswer_DeniesItAndFlagsProtocolError()
    {
        _cerbos.Check = r =>
        {
            var response = Answer(r, (_, _) => WireEffect.Allow);
            response.Results[0].Actions.Remove("update");
            return response;
        };

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        Assert.IsTrue(result.ProtocolError);
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, result.Results[0].Actions["update"]);
        Assert.AreEqual(Effect.Allow, result.Results[1].Actions["read"]);
        AssertProtocolErrorLogged("no effect for action 'update'");
    }

    [TestMethod]
    [DataRow("id")]
    [DataRow("kind")]
    public async Task CheckAsync_ResultForAnotherResource_DeniesThatResource(string what)
    {
        _cerbos.Check = r =>
        {
            var response = Answer(r, (_, _) => WireEffect.Allow);
            if (what == "id")
            {
                response.Results[1].Resource.Id = "d-999";
            }
            else
            {
                response.Results[1].Resource.Kind = "project";
            }

            return response;
        };

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        Assert.IsTrue(result.ProtocolError);
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, result.Results[1].Actions["read"]);
        Assert.AreEqual("d-1", result.Results[1].Id);
        AssertProtocolErrorLogged("expected document/d-1");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(0)]
    public async Task CheckAsync_WrongNumberOfResults_DeniesEverything(int count)
    {
        _cerbos.Check = r =>
        {
            var response = Answer(r, (_, _) => WireEffect.Allow);
            var results = Enumerable.Range(0, count).Select(i => response.Results[i % response.Results.Count].Clone()).ToList();
            response.Results.Clear();
            response.Results.AddRange(results);
            return response;
        };

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        Assert.IsTrue(result.ProtocolError);
        Assert.HasCount(2, result.Results);
        Assert.IsTrue(result.Results.All(d => d.Actions.Values.All(e => e == Effect.Deny)));
        CollectionAssert.AreEqual(new[] { "p-1", "d-1" }, result.Results.Select(d => d.Id).ToArray());
        AssertProtocolErrorLogged($"{count} results for 2 resources");
    }

    [TestMethod]
    [DataRow(WireEffect.NoMatch)]
    [DataRow(WireEffect.Unspecified)]
    [DataRow((WireEffect)42)]
    public async Task CheckAsync_EffectOtherThanAllowOrDeny_DeniesAndFlags(WireEffect effect)
    {
        _cerbos.Check = r => Answer(r, (_, action) => action == "update" ? effect : WireEffect.Allow);

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        Assert.IsTrue(result.ProtocolError);
        Assert.AreEqual(Effect.Deny, result.Results[0].Actions["update"]);
        Assert.AreEqual(Effect.Allow, result.Results[0].Actions["read"]);
    }

    [TestMethod]
    [DataRow(global::Grpc.Core.StatusCode.InvalidArgument)]
    [DataRow(global::Grpc.Core.StatusCode.Internal)]
    [DataRow(global::Grpc.Core.StatusCode.PermissionDenied)]
    [DataRow(global::Grpc.Core.StatusCode.Unimplemented)]
    public async Task CheckAsync_CerbosRejectsTheCall_ThrowsProtocolExceptionAndKeepsCircuitClosed(global::Grpc.Core.StatusCode code)
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(code, "nope"));
        var adapter = NewAdapter();

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => adapter.CheckAsync(TwoResources(), CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, adapter.CircuitState);
    }

    [TestMethod]
    [DataRow(global::Grpc.Core.StatusCode.Unavailable)]
    [DataRow(global::Grpc.Core.StatusCode.DeadlineExceeded)]
    public async Task CheckAsync_TransportFailure_ThrowsUnavailableAndOpensCircuit(global::Grpc.Core.StatusCode code)
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(code, "gone"));
        var adapter = NewAdapter();

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.CheckAsync(TwoResources(), CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Open, adapter.CircuitState);
        Assert.AreEqual(2, adapter.CallsSent);
    }

    [TestMethod]
    [DataRow(global::Grpc.Core.StatusCode.DeadlineExceeded)]
    [DataRow(global::Grpc.Core.StatusCode.Cancelled)]
    public async Task CheckAsync_CallerCancelled_ThrowsOperationCanceledAndKeepsCircuitClosed(global::Grpc.Core.StatusCode code)
    {
        using var cts = new CancellationTokenSource();
        _cerbos.Check = _ =>
        {
            cts.Cancel();
            throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(code, "gone"));
        };
        var adapter = NewAdapter();

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => adapter.CheckAsync(TwoResources(), cts.Token));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, adapter.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_DeadlineExceededUnderCallerDeadlineShorterThanOurs_ThrowsDeadlineExceededAndKeepsCircuitClosed()
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.DeadlineExceeded, "too late"));
        var adapter = NewAdapter();

        for (var i = 0; i < 5; i++)
        {
            // Our own timeout is 3 s: a 100 ms deadline is the caller's limit, not ours.
            var request = TwoResources() with { Deadline = DateTime.UtcNow.AddMilliseconds(100) };
            await Assert.ThrowsExactlyAsync<PdpDeadlineExceededException>(() => adapter.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, adapter.CircuitState);
        Assert.IsTrue(_logs.Lines.Any(e => e.EventId == 6100), "the caller-bound expiry is logged");
    }

    [TestMethod]
    [DataRow(global::Grpc.Core.StatusCode.Unavailable)]
    [DataRow(global::Grpc.Core.StatusCode.Cancelled)]
    [DataRow(global::Grpc.Core.StatusCode.Internal)]
    public async Task CheckAsync_FailureOnceTheCallersShorterDeadlinePassed_ThrowsDeadlineExceededAndKeepsCircuitClosed(global::Grpc.Core.StatusCode code)
    {
        // Cerbos gives up at the deadline it was sent and resets the stream (a transport may call that UNAVAILABLE
        // or CANCELLED), or its engine stops and it answers INTERNAL "Policy check failed".
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(code, "stream reset"));
        var adapter = NewAdapter();

        for (var i = 0; i < 5; i++)
        {
            var request = TwoResources() with { Deadline = DateTime.UtcNow.AddMilliseconds(-1) };
            await Assert.ThrowsExactlyAsync<PdpDeadlineExceededException>(() => adapter.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, adapter.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_StreamResetAMillisecondBeforeTheCallersDeadline_IsTheCallersDeadline()
    {
        // grpc-timeout travels in whole milliseconds, so Cerbos's reset may arrive just before the deadline by our clock.
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Cancelled, "stream reset"));
        var adapter = NewAdapter();

        for (var i = 0; i < 5; i++)
        {
            var request = TwoResources() with { Deadline = DateTime.UtcNow.AddMilliseconds(1) };
            await Assert.ThrowsExactlyAsync<PdpDeadlineExceededException>(() => adapter.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Closed, adapter.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_InternalWellBeforeTheCallersDeadline_IsAProtocolError()
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Internal, "boom"));
        var request = TwoResources() with { Deadline = DateTime.UtcNow.AddMilliseconds(500) };

        await Assert.ThrowsExactlyAsync<PdpProtocolException>(() => NewAdapter().CheckAsync(request, CancellationToken.None));
    }

    [TestMethod]
    public async Task CheckAsync_DeadlineExceededUnderCallerDeadlineLongerThanOurs_CountsAgainstTheCircuit()
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.DeadlineExceeded, "too late"));
        var adapter = NewAdapter();

        for (var i = 0; i < 2; i++)
        {
            // The caller gave Cerbos more than our own 3 s: a Cerbos that still did not answer is Cerbos's failure.
            var request = TwoResources() with { Deadline = DateTime.UtcNow.AddSeconds(10) };
            await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Open, adapter.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_UnavailableUnderShortCallerDeadline_CountsAgainstTheCircuit()
    {
        _cerbos.Check = _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "connection refused"));
        var adapter = NewAdapter();

        for (var i = 0; i < 2; i++)
        {
            var request = TwoResources() with { Deadline = DateTime.UtcNow.AddMilliseconds(500) };
            await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(Polly.CircuitBreaker.CircuitState.Open, adapter.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_Request_CarriesScopesVersionsAuxJwtMetaAndDeadline()
    {
        _cerbos.Check = r => Answer(r, (_, _) => WireEffect.Deny);
        var principal = Principal("gx_member", "globex", "member", scope: "globex") with { PolicyVersion = "v2" };
        var resource = Resource("document", "d-1", "globex", "gx_member", "globex.team-a", "read") with { PolicyVersion = "v3" };
        var deadline = DateTime.UtcNow.AddSeconds(7);
        var request = Check(principal, resource) with { AuxJwt = "header.payload.sig", Deadline = deadline };

        await NewAdapter().CheckAsync(request, CancellationToken.None);

        var sent = _cerbos.LastCheck!;
        Assert.AreEqual(request.RequestId, sent.RequestId);
        Assert.IsTrue(sent.IncludeMeta);
        Assert.AreEqual("globex", sent.Principal.Scope);
        Assert.AreEqual("v2", sent.Principal.PolicyVersion);
        Assert.AreEqual("globex", sent.Principal.Attr["tenant_id"].StringValue);
        Assert.AreEqual("globex.team-a", sent.Resources[0].Resource.Scope);
        Assert.AreEqual("v3", sent.Resources[0].Resource.PolicyVersion);
        Assert.AreEqual("gx_member", sent.Resources[0].Resource.Attr["owner_id"].StringValue);
        Assert.AreEqual("header.payload.sig", sent.AuxData.Jwt.Token);
        Assert.AreEqual(deadline, _cerbos.Options.Single().Deadline);
    }

    [TestMethod]
    public async Task CheckAndPlan_KeySetId_SentWithTheToken()
    {
        _cerbos.Check = r => Answer(r, (_, _) => WireEffect.Deny);
        _cerbos.Plan = r => new PlanResourcesResponse
        {
            RequestId = r.RequestId,
            ResourceKind = r.Resource.Kind,
            Filter = new global::Cerbos.Api.V1.Engine.PlanResourcesFilter { Kind = global::Cerbos.Api.V1.Engine.PlanResourcesFilter.Types.Kind.AlwaysDenied },
        };
        var principal = Principal("gx_member", "globex", "member");
        var adapter = NewAdapter();

        await adapter.CheckAsync(Check(principal, Resource("document", "d-1", "globex", "gx_member", "", "read")) with { AuxJwt = "h.p.s", AuxKeySetId = "ks-1" }, CancellationToken.None);
        var withKeySet = _cerbos.LastCheck!;
        await adapter.PlanAsync(Plan(principal, "document", "read") with { AuxJwt = "h.p.s", AuxKeySetId = "ks-2" }, CancellationToken.None);
        await adapter.CheckAsync(Check(principal, Resource("document", "d-1", "globex", "gx_member", "", "read")) with { AuxJwt = "h.p.s" }, CancellationToken.None);

        Assert.AreEqual("h.p.s", withKeySet.AuxData.Jwt.Token);
        Assert.AreEqual("ks-1", withKeySet.AuxData.Jwt.KeySetId);
        Assert.AreEqual("h.p.s", _cerbos.LastPlan!.AuxData.Jwt.Token);
        Assert.AreEqual("ks-2", _cerbos.LastPlan.AuxData.Jwt.KeySetId);
        Assert.AreEqual(string.Empty, _cerbos.LastCheck!.AuxData.Jwt.KeySetId, "no key set id: Cerbos chooses");
    }

    [TestMethod]
    public async Task CheckAsync_NoCallerDeadline_UsesDefaultTimeout()
    {
        _cerbos.Check = r => Answer(r, (_, _) => WireEffect.Deny);
        var before = DateTime.UtcNow;

        await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        var deadline = _cerbos.Options.Single().Deadline!.Value;
        Assert.IsTrue(deadline >= before.AddSeconds(3) && deadline <= DateTime.UtcNow.AddSeconds(3), deadline.ToString("O"));
    }

    [TestMethod]
    public async Task CheckAsync_MetaInAnswer_MapsMatchesDerivedRolesAndValidationErrors()
    {
        _cerbos.Check = r =>
        {
            var response = Answer(r, (_, _) => WireEffect.Allow);
            var meta = new ResultEntry.Types.Meta();
            meta.Actions["read"] = new ResultEntry.Types.Meta.Types.EffectMeta { MatchedPolicy = "resource.project.vdefault/acme", MatchedScope = "acme" };
            meta.EffectiveDerivedRoles.Add("owner");
            response.Results[0].Meta = meta;
            response.Results[0].ValidationErrors.Add(new ValidationError
            {
                Path = "/tenant_id",
                Message = "missing",
                Source = ValidationError.Types.Source.Resource,
            });
            return response;
        };

        var result = await NewAdapter().CheckAsync(TwoResources(), CancellationToken.None);

        var decision = result.Results[0];
        Assert.AreEqual(new ActionMatch("resource.project.vdefault/acme", "acme"), decision.Matches["read"]);
        CollectionAssert.AreEqual(new[] { "owner" }, decision.EffectiveDerivedRoles.ToArray());
        Assert.AreEqual(new ValidationIssue("/tenant_id", "missing", "resource"), decision.ValidationErrors.Single());
    }

    private CerbosDecisionPoint NewAdapter() => new(
        _cerbos,
        new CerbosOptions
        {
            DefaultTimeout = TimeSpan.FromSeconds(3),
            BreakerMinimumThroughput = 2,
            BreakerSamplingDuration = TimeSpan.FromSeconds(30),
            BreakerBreakDuration = TimeSpan.FromSeconds(30),
        },
        _logs.CreateLogger("test"),
        TimeProvider.System);

    private void AssertProtocolErrorLogged(string detail)
    {
        var entry = _logs.Lines.Where(e => e.EventId == 3100).Select(e => e.Message).FirstOrDefault(m => m.Contains(detail, StringComparison.Ordinal));
        Assert.IsNotNull(entry, string.Join("\n", _logs.Lines.Select(e => e.Message)));
        StringAssert.Contains(entry, "cerbos_call_id call-1");
        StringAssert.Contains(entry, "request_id req-");
    }

    private static CheckResourcesResponse Answer(CheckResourcesRequest request, Func<string, string, WireEffect> effect)
    {
        var response = new CheckResourcesResponse { RequestId = request.RequestId, CerbosCallId = "call-1" };
        foreach (var entry in request.Resources)
        {
            var result = new ResultEntry { Resource = new ResultEntry.Types.Resource { Id = entry.Resource.Id, Kind = entry.Resource.Kind } };
            foreach (var action in entry.Actions)
            {
                result.Actions[action] = effect(entry.Resource.Id, action);
            }

            response.Results.Add(result);
        }

        return response;
    }
}
