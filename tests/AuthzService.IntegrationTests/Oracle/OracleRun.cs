using System.Collections.Concurrent;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Service;
using Grpc.Core;
using Npgsql;
using static AuthzService.IntegrationTests.Cache.CacheCluster;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>How a check asks for freshness.</summary>
internal enum OracleMode
{
    /// <summary>No consistency: may be stale until the replica has been notified of the writes (docs/cache.md bound).</summary>
    NoToken,

    /// <summary>The token of the last write that touched the principal or its tenant: must reflect it, on any replica.</summary>
    Token,

    /// <summary><c>fully_consistent</c>: reflects every write that returned before the check was sent.</summary>
    FullyConsistent,

    /// <summary>Through AuthZEN (<see cref="OracleAuthZen"/>), which has no consistency: as <see cref="NoToken"/>.</summary>
    AuthZen,
}

/// <summary>
/// One oracle run: the model's states (index k = after write k), the writes made through the service and the checks
/// judged against Cerbos asked directly. A check's answer must be what one directory state it may legitimately have
/// seen gives, for every resource and action at once (one principal per request): with a token, the state of that write
/// or a later one; without, any state from the newest write the replica had been notified of when the check was sent
/// (its marker, <see cref="OracleMarkers"/>) up to the newest write sent when it was answered. Anything else is wrong,
/// an ALLOW as much as a DENY; an older answer within that window is counted as stale within the bound.
/// </summary>
internal sealed class OracleRun(OracleStack stack, CerbosDirect cerbos, NpgsqlConnection sql, HttpClient[] authZen, int seed)
{
    private const int MaxReported = 20;

    private readonly List<OracleState> _states = [OracleState.Empty];
    private readonly Dictionary<long, string> _tokens = [];
    private readonly Dictionary<(string Tenant, string Principal), long> _principalTouched = [];
    private readonly Dictionary<string, long> _tenantTouched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _wrong = new();
    private long _sent;
    private long _completed;
    private long _decisions;
    private long _allow;
    private long _deny;
    private long _staleDeny;
    private long _staleAllow;
    private long _wrongDecisions;

    public long Decisions => Interlocked.Read(ref _decisions);

    public long Allow => Interlocked.Read(ref _allow);

    public long DenyCount => Interlocked.Read(ref _deny);

    public long StaleDeny => Interlocked.Read(ref _staleDeny);

    public long StaleAllow => Interlocked.Read(ref _staleAllow);

    public long WrongDecisions => Interlocked.Read(ref _wrongDecisions);

    public int Writes => _states.Count - 1;

    public IReadOnlyCollection<string> Wrong => _wrong;

    public bool TooManyWrong => _wrong.Count >= MaxReported;

    public OracleState Current => _states[^1];

    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>
    /// One step: an optional write and a batch of checks, all in flight together. The write's expected state is appended
    /// before anything is sent, so a check that overlaps it may have seen it or not.
    /// </summary>
    public async Task StepAsync(int step, (OracleWrite Write, int Replica)? write, IReadOnlyList<(OracleCheck Check, OracleMode Mode, int Replica, bool Meta)> checks)
    {
        var plans = checks.Select(c => (c.Check, Mode: c.Mode, c.Replica, c.Meta, Token: c.Mode == OracleMode.Token ? TokenFor(c.Check) : null)).ToArray();
        var tasks = plans.Select(p => CheckAsync(step, p.Check, p.Token is null && p.Mode == OracleMode.Token ? OracleMode.NoToken : p.Mode, p.Token, p.Replica, p.Meta)).ToList();
        if (write is { } w)
        {
            var (next, outcome) = Current.Apply(w.Write);
            _states.Add(next);
            var index = _states.Count - 1;
            Volatile.Write(ref _sent, index);
            tasks.Add(WriteAsync(step, index, w.Write, outcome, w.Replica));
        }

        await Task.WhenAll(tasks);
    }

    /// <summary>Waits until every replica has handled the notifications of every write so far (a step that settles).</summary>
    public Task SettleAsync() =>
        Task.WhenAll(Enumerable.Range(0, stack.Replicas.Length).Select(r =>
            EventuallyAsync(() => Task.FromResult(stack.Markers.Seen(r) >= Interlocked.Read(ref _completed)), $"replica {r} notified of write {Interlocked.Read(ref _completed)}")));

    private void Count(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);

    /// <summary>The token of the newest write that touched this principal (a membership of it, or its tenant), if that write returned one.</summary>
    private (long Index, string Token)? TokenFor(OracleCheck check)
    {
        var touched = Math.Max(
            Math.Max(_principalTouched.GetValueOrDefault((check.Tenant, check.Principal)), _tenantTouched.GetValueOrDefault(check.Tenant)),
            _tenantTouched.GetValueOrDefault(""));
        return _tokens.TryGetValue(touched, out var token) ? (touched, token) : null;
    }

    private async Task WriteAsync(int step, long index, OracleWrite write, OracleOutcome expected, int replica)
    {
        var on = stack.Replicas[replica];
        string? token = null;
        OracleOutcome outcome;
        try
        {
            token = await SendAsync(on, write);
            outcome = OracleOutcome.Ok;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
        {
            outcome = ex.StatusCode == StatusCode.InvalidArgument ? OracleOutcome.InvalidArgument : OracleOutcome.FailedPrecondition;
            if (outcome != expected)
            {
                throw new InvalidOperationException($"seed {seed}, step {step}, write {index} on replica {replica}: {write} answered {ex.Status}, the documentation says {expected}");
            }
        }

        if (outcome != expected)
        {
            throw new InvalidOperationException($"seed {seed}, step {step}, write {index} on replica {replica}: {write} succeeded, the documentation says {expected}");
        }

        Count($"write {write.GetType().Name} {outcome}");
        await OracleStack.SendMarkerAsync(sql, index);
        Volatile.Write(ref _completed, index);
        if (outcome != OracleOutcome.Ok)
        {
            return;
        }

        if (token is not null)
        {
            _tokens[index] = token;
        }

        if (write is OracleWrite.BumpPolicyEpoch)
        {
            return;
        }

        if (write.PrincipalId is { } principal)
        {
            _principalTouched[(write.TenantId, principal)] = index;
        }
        else
        {
            _tenantTouched[write.TenantId] = index;
        }
    }

    private async Task<string?> SendAsync(AuthzServiceInstance on, OracleWrite write)
    {
        switch (write)
        {
            case OracleWrite.UpsertTenant w:
                return (await on.CallAsync(MembershipServiceName, "UpsertTenant", new UpsertTenantRequest
                {
                    Tenant = new Tenant
                    {
                        Id = w.Tenant,
                        Tier = w.Tier,
                        CerbosScope = w.Scope,
                        Status = w.Suspended ? TenantStatus.Suspended : w.Tier.Length % 2 == 0 ? TenantStatus.Active : TenantStatus.Unspecified,
                    },
                }, UpsertTenantResponse.Parser)).ConsistencyToken;
            case OracleWrite.DeleteTenant w:
                return (await on.CallAsync(MembershipServiceName, "DeleteTenant", new DeleteTenantRequest { TenantId = w.Tenant }, DeleteTenantResponse.Parser)).ConsistencyToken;
            case OracleWrite.UpsertMembership w:
                var membership = new Membership { TenantId = w.Tenant, PrincipalId = w.Principal, TeamId = w.Team, Roles = { w.Roles } };
                membership.Attr.Add(w.Attr);
                return (await on.CallAsync(MembershipServiceName, "UpsertMembership", new UpsertMembershipRequest { Membership = membership }, UpsertMembershipResponse.Parser)).ConsistencyToken;
            case OracleWrite.DeleteMembership w:
                return (await on.CallAsync(MembershipServiceName, "DeleteMembership",
                    new DeleteMembershipRequest { TenantId = w.Tenant, PrincipalId = w.Principal, TeamId = w.Team }, DeleteMembershipResponse.Parser)).ConsistencyToken;
            case OracleWrite.Invalidate w:
                var invalidate = w.Tenant.Length == 0
                    ? new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() }
                    : w.Principal is null
                        ? new InvalidateRequest { Tenant = new InvalidateRequest.Types.TenantScope { TenantId = w.Tenant } }
                        : new InvalidateRequest { Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = w.Tenant, PrincipalId = w.Principal } };
                return (await on.CallAsync(CacheServiceName, "Invalidate", invalidate, InvalidateResponse.Parser)).ConsistencyToken;
            case OracleWrite.BumpPolicyEpoch:
                await using (var bump = new NpgsqlCommand("SELECT authz_bump_policy_epoch('differential oracle')", sql))
                {
                    await bump.ExecuteScalarAsync();
                }

                return null;
            case OracleWrite.SqlTenantWideRole w:
                await using (var update = new NpgsqlCommand(
                    "UPDATE memberships SET roles = array_append(roles, @role) WHERE tenant_id = @tenant AND principal_id = @principal AND team_id = ''", sql))
                {
                    update.Parameters.AddWithValue("role", w.Role);
                    update.Parameters.AddWithValue("tenant", w.Tenant);
                    update.Parameters.AddWithValue("principal", w.Principal);
                    var rows = await update.ExecuteNonQueryAsync();
                    if (rows != 1)
                    {
                        throw new InvalidOperationException($"seed {seed}: {write} updated {rows} rows; the model holds that membership");
                    }
                }

                return null;
            default:
                throw new InvalidOperationException(write.ToString());
        }
    }

    private async Task CheckAsync(int step, OracleCheck check, OracleMode mode, (long Index, string Token)? token, int replica, bool meta)
    {
        var request = new CheckResourcesRequest
        {
            RequestId = $"oracle-{step}",
            TenantId = check.Tenant,
            PrincipalId = check.Principal,
            TeamId = check.Team,
            IncludeMeta = meta,
            Resources = { check.Entries },
        };
        request.PrincipalContext.Add(check.Context);
        var seen = stack.Markers.Seen(replica);
        var low = mode switch
        {
            OracleMode.Token => Math.Max(seen, token!.Value.Index),
            OracleMode.FullyConsistent => Math.Max(seen, Interlocked.Read(ref _completed)),
            _ => seen,
        };
        request.Consistency = mode switch
        {
            OracleMode.Token => new Consistency { AtLeastAsFresh = token!.Value.Token },
            OracleMode.FullyConsistent => new Consistency { FullyConsistent = true },
            _ => null,
        };
        Count($"check {mode}");
        if (mode == OracleMode.AuthZen)
        {
            check = OracleAuthZen.Askable(check);
            var pathBase = (step + replica) % 3;
            Count($"check AuthZen path {pathBase}");
            var decided = await OracleAuthZen.EvaluateAsync(authZen[replica], check, pathBase, $"oracle-{step}");
            await JudgeAsync($"seed {seed}, step {step}, replica {replica}, AuthZEN path {pathBase}", check, decided, low, Interlocked.Read(ref _sent));
            return;
        }

        var response = await stack.Replicas[replica].CallAsync(Authorization, "CheckResources", request, CheckResourcesResponse.Parser, TimeSpan.FromSeconds(30));
        var high = Interlocked.Read(ref _sent);
        await JudgeAsync($"seed {seed}, step {step}, replica {replica}, {mode}", check, response, low, high);
    }

    private async Task JudgeAsync(string where, OracleCheck check, CheckResourcesResponse response, long low, long high)
    {
        var actual = new List<Dictionary<string, bool>>();
        for (var i = 0; i < check.Entries.Length; i++)
        {
            var entry = check.Entries[i];
            var result = i < response.Results.Count ? response.Results[i] : null;
            if (result is null || result.Resource.Kind != entry.Resource.Kind || result.Resource.Id != entry.Resource.Id
                || !entry.Actions.All(result.Actions.ContainsKey))
            {
                Report(where, check, $"result {i} does not answer entry {i} ({entry.Resource.Kind}/{entry.Resource.Id}, actions {string.Join(",", entry.Actions)}): {result}", low, high);
                return;
            }

            actual.Add(entry.Actions.Distinct().ToDictionary(a => a, a => result.Actions[a] == Effect.Allow, StringComparer.Ordinal));
            if (result.Meta is { } meta)
            {
                Count($"source {meta.Source}");
            }
        }

        // include_meta: the principal as built must be the documented principal of one state the check may have seen.
        if (response.Meta?.Principal is { } view && view.Id.Length > 0)
        {
            var built = false;
            for (var k = high; k >= low && !built; k--)
            {
                built = OraclePrincipal.Matches(view, OraclePrincipal.Expect(_states[(int)k], check));
            }

            Count(built ? "meta principal as documented" : "meta principal WRONG");
            if (!built)
            {
                Report(where, check, $"include_meta principal {view} is no documented principal of states {low}..{high}", low, high);
            }
        }

        var decisions = actual.Sum(a => a.Count);
        Interlocked.Add(ref _decisions, decisions);
        Interlocked.Add(ref _allow, actual.Sum(a => a.Values.Count(v => v)));
        Interlocked.Add(ref _deny, actual.Sum(a => a.Values.Count(v => !v)));

        var expectation = OraclePrincipal.Expect(_states[(int)high], check);
        Count(expectation.LocalDeny is { } reason ? $"expected: {reason}" : "expected: asked Cerbos");
        Count($"entries cross-tenant {check.Entries.Count(e => OraclePrincipal.IsCrossTenant(e.Resource, check.Tenant))}");
        var latest = await ExpectAsync(_states[(int)high], check);
        if (Same(actual, latest))
        {
            return;
        }

        for (var k = high - 1; k >= low; k--)
        {
            if (Same(actual, await ExpectAsync(_states[(int)k], check)))
            {
                foreach (var (entry, i) in actual.Select((a, i) => (a, i)))
                {
                    foreach (var (action, allowed) in entry.Where(a => a.Value != latest[i][a.Key]))
                    {
                        if (allowed)
                        {
                            Interlocked.Increment(ref _staleAllow);
                        }
                        else
                        {
                            Interlocked.Increment(ref _staleDeny);
                        }
                    }
                }

                return;
            }
        }

        // No state the check may have seen explains the answer. Say which decisions no such state gives, and whether an
        // older state (before a write the replica had already been notified of) would.
        var older = "none";
        for (var k = low - 1; k >= Math.Max(0, low - 50); k--)
        {
            if (Same(actual, await ExpectAsync(_states[(int)k], check)))
            {
                older = $"the state after write {k} (the replica had been notified of write {low}: stale beyond the bound)";
                break;
            }
        }

        var wrong = new List<string>();
        foreach (var (entry, i) in actual.Select((a, i) => (a, i)))
        {
            foreach (var (action, allowed) in entry.Where(a => a.Value != latest[i][a.Key]))
            {
                Interlocked.Increment(ref _wrongDecisions);
                wrong.Add($"WRONG {(allowed ? "ALLOW" : "DENY")} {check.Entries[i].Resource.Kind}/{check.Entries[i].Resource.Id} {action} " +
                    $"(attr {check.Entries[i].Resource.Attr}, policy version '{check.Entries[i].Resource.PolicyVersion}')");
            }
        }

        Report(where, check, $"{string.Join("; ", wrong)}; explained by {older}", low, high);
    }

    private void Report(string where, OracleCheck check, string what, long low, long high)
    {
        if (_wrong.Count >= MaxReported)
        {
            return;
        }

        var state = _states[(int)high];
        var expected = OraclePrincipal.Expect(state, check);
        var rows = state.Memberships.Where(m => m.Key.Tenant == check.Tenant && m.Key.Principal == check.Principal)
            .Select(m => $"team '{m.Key.Team}' roles [{string.Join(",", m.Value.Roles)}] attr {{{string.Join(", ", m.Value.Attr.Select(a => $"{a.Key}: {a.Value}"))}}}");
        _wrong.Enqueue($"{where}: tenant '{check.Tenant}' ({(state.Tenants.TryGetValue(check.Tenant, out var t) ? t.ToString() : "unknown")}), " +
            $"principal '{check.Principal}', team '{check.Team}', context {{{string.Join(", ", check.Context.Select(c => $"{c.Key}: {c.Value}"))}}}; " +
            $"states {low}..{high} admissible; {what}; directory [{string.Join("; ", rows)}]; expected principal {expected.Principal?.ToJsonString() ?? expected.LocalDeny}");
    }

    private static bool Same(List<Dictionary<string, bool>> actual, IReadOnlyList<IReadOnlyDictionary<string, bool>> expected) =>
        actual.Select((a, i) => a.All(kv => expected[i][kv.Key] == kv.Value)).All(x => x);

    /// <summary>Every entry's decisions in one state: denied locally (unknown or suspended tenant, cross-tenant resource) or Cerbos's.</summary>
    private async Task<IReadOnlyList<IReadOnlyDictionary<string, bool>>> ExpectAsync(OracleState state, OracleCheck check)
    {
        var expectation = OraclePrincipal.Expect(state, check);
        var results = new IReadOnlyDictionary<string, bool>[check.Entries.Length];
        for (var i = 0; i < check.Entries.Length; i++)
        {
            var entry = check.Entries[i];
            var actions = entry.Actions.Distinct(StringComparer.Ordinal).ToArray();
            results[i] = expectation.Principal is null || OraclePrincipal.IsCrossTenant(entry.Resource, check.Tenant)
                ? actions.ToDictionary(a => a, _ => false, StringComparer.Ordinal)
                : await cerbos.CheckAsync(expectation.Principal, OraclePrincipal.Resource(entry.Resource, expectation.Scope), actions);
        }

        return results;
    }
}
