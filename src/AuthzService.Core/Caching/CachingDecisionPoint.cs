using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthzService.Core.Caching;

/// <summary>
/// The decision cache as a decorator around the policy decision point: per-resource entries in L1
/// (in-process) then L2 (shared), misses sent to the inner PDP in one call, one PDP call per key at a
/// time (single flight). Requests without a <see cref="PdpCheckRequest.Stamp"/> pass straight through.
/// </summary>
/// <remarks>
/// Correctness rests on the key (<see cref="DecisionCacheKey"/>): it contains every version the decision
/// depends on, so after a change the next request builds a new key and misses; stale entries are never
/// looked up again. That is also why a check that started before a change and stores after it cannot
/// serve its ALLOW later: it stores under the old versions' key. A check that ends after this replica
/// learnt of a newer policy epoch stores nothing at all (<see cref="IsSuperseded"/>).
/// </remarks>
public sealed class CachingDecisionPoint : IPolicyDecisionPoint
{
    private readonly IPolicyDecisionPoint _inner;
    private readonly ILocalCache _l1;
    private readonly ISharedDecisionCache _l2;
    private readonly IOptions<CacheOptions> _options;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PrincipalCacheInvalidation? _invalidation;
    private readonly PolicyWatchState _watch;
    private readonly SingleFlight<ResourceDecision> _flights = new();

    public CachingDecisionPoint(
        IPolicyDecisionPoint inner,
        ILocalCache l1,
        ISharedDecisionCache l2,
        IOptions<CacheOptions> options,
        CacheMetrics metrics,
        ILogger<CachingDecisionPoint> logger,
        TimeProvider? time = null,
        PrincipalCacheInvalidation? invalidation = null,
        PolicyWatchState? watch = null)
    {
        _inner = inner;
        _l1 = l1;
        _l2 = l2;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _invalidation = invalidation;
        _watch = watch ?? PolicyWatchState.Disabled;
    }

    /// <summary>Keys with a PDP call in progress (for tests and diagnostics).</summary>
    internal int InFlight => _flights.Count;

    public Task<PdpPlanResult> PlanAsync(PdpPlanRequest request, CancellationToken cancellationToken) =>
        _inner.PlanAsync(request, cancellationToken);

    public async Task<PdpCheckResult> CheckAsync(PdpCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Stamp is not { } stamp || request.Resources.Count == 0)
        {
            return await _inner.CheckAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // A decision made with an aux_data JWT is worth no more than the token: an expired, not yet valid or
        // unreadable token is Cerbos's to judge on every call (nothing read, nothing stored); a valid one caps
        // the entry's life at its expiry, so a replayed token is never answered from cache after it.
        var token = AuxTokenLifetime.Of(request.AuxJwt, _time.GetUtcNow());
        if (!token.Cacheable)
        {
            return await _inner.CheckAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var options = _options.Value;
        var keys = new string[request.Resources.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = DecisionCacheKey.For(options.KeyPrefix, options.PolicyRevision, stamp, request.Principal, request.Resources[i], request.AuxJwt, request.AuxKeySetId);
        }

        var results = new ResourceDecision?[keys.Length];
        if (!stamp.Fresh)
        {
            ReadL1(request, stamp, keys, results);

            // While the policy watch is not confirmed, L2 may hold entries written with the full TTL before a
            // policy change nobody saw: only this replica's L1 (dropped when the watch was lost) answers.
            if (_watch.Trusted)
            {
                await ReadL2Async(request, stamp, keys, results, cancellationToken).ConfigureAwait(false);
            }
        }

        var call = new CallSummary();
        if (results.Any(r => r is null))
        {
            await ComputeMissesAsync(request, stamp, token, keys, results, call, cancellationToken).ConfigureAwait(false);
        }

        return new PdpCheckResult([.. results.Select(r => r!)], call.CallId ?? "cache", call.ProtocolError);
    }

    private void ReadL1(PdpCheckRequest request, DecisionStamp stamp, string[] keys, ResourceDecision?[] results)
    {
        var now = _time.GetUtcNow();
        long hits = 0, misses = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (_l1.TryGet<CachedDecision>(keys[i], out var entry) && entry is not null
                && Accept(entry, CacheLevels.L1, keys[i], stamp, request.Resources[i], now))
            {
                results[i] = entry.Decision with { Source = DecisionSource.CacheL1 };
                hits++;
            }
            else
            {
                misses++;
            }
        }

        _metrics.Hit(CacheLevels.L1, CacheLevels.Decision, hits);
        _metrics.Miss(CacheLevels.L1, CacheLevels.Decision, misses);
    }

    private async Task ReadL2Async(PdpCheckRequest request, DecisionStamp stamp, string[] keys, ResourceDecision?[] results, CancellationToken cancellationToken)
    {
        if (!_l2.IsEnabled)
        {
            return;
        }

        var missing = Enumerable.Range(0, keys.Length).Where(i => results[i] is null).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var distinct = missing.Select(i => keys[i]).Distinct(StringComparer.Ordinal).ToList();
        var found = await _l2.GetAsync(distinct, cancellationToken).ConfigureAwait(false);
        var byKey = new Dictionary<string, CachedDecision?>(StringComparer.Ordinal);
        for (var j = 0; j < distinct.Count; j++)
        {
            byKey[distinct[j]] = j < found.Count ? found[j] : null;
        }

        var now = _time.GetUtcNow();
        long hits = 0, misses = 0;
        foreach (var i in missing)
        {
            if (byKey[keys[i]] is { } entry && Accept(entry, CacheLevels.L2, keys[i], stamp, request.Resources[i], now))
            {
                // Promote to L1 for the rest of its life (never beyond the expiry written in L2).
                _l1.Store(keys[i], entry, entry.ExpiresAt - now);
                results[i] = entry.Decision with { Source = DecisionSource.CacheL2 };
                hits++;
            }
            else
            {
                misses++;
            }
        }

        _metrics.Hit(CacheLevels.L2, CacheLevels.Decision, hits);
        _metrics.Miss(CacheLevels.L2, CacheLevels.Decision, misses);
    }

    private bool Accept(CachedDecision entry, string level, string key, DecisionStamp stamp, PdpResource resource, DateTimeOffset now)
    {
        if (DecisionCachePolicy.Answers(entry, key, _options.Value.PolicyRevision, stamp, resource, now))
        {
            return true;
        }

        if (level == CacheLevels.L1)
        {
            _l1.Remove(key);
        }

        if (entry.ExpiresAt > now)
        {
            // Not an expiry: something wrote an entry under this key that is not ours to serve: no entry of one
            // tenant or principal answers for another.
            CoreLog.CacheEntryMismatch(_logger, level, key, stamp.TenantId, stamp.PrincipalId, entry.TenantId, entry.PrincipalId);
            _metrics.Rejected(level, "mismatch");
        }
        else
        {
            _metrics.Rejected(level, "expired");
        }

        return false;
    }

    private async Task ComputeMissesAsync(
        PdpCheckRequest request, DecisionStamp stamp, AuxTokenLifetime token, string[] keys, ResourceDecision?[] results, CallSummary call, CancellationToken cancellationToken)
    {
        var owned = new List<Miss>();
        var joined = new List<(Miss Miss, Task<ResourceDecision?> Answer)>();
        foreach (var group in Enumerable.Range(0, keys.Length).Where(i => results[i] is null).GroupBy(i => keys[i], StringComparer.Ordinal))
        {
            if (_flights.TryOwn(group.Key, out var flight))
            {
                owned.Add(new Miss(group.Key, [.. group], flight));
            }
            else if (stamp.Fresh)
            {
                // A fresh request asks the PDP itself rather than take an answer that started before it.
                owned.Add(new Miss(group.Key, [.. group], null));
            }
            else
            {
                joined.Add((new Miss(group.Key, [.. group], null), flight.Task));
            }
        }

        var ownCall = owned.Count > 0 ? CallInnerAsync(request, stamp, token, owned, results, call, cancellationToken) : Task.CompletedTask;
        var retry = new List<Miss>();
        foreach (var (miss, answer) in joined)
        {
            var decision = await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (decision is null)
            {
                // The owner got no cacheable answer (error, timeout, partial): ask for ourselves.
                retry.Add(miss);
                continue;
            }

            foreach (var i in miss.Indexes)
            {
                results[i] = decision;
            }
        }

        await ownCall.ConfigureAwait(false);
        if (retry.Count > 0)
        {
            await CallInnerAsync(request, stamp, token, retry, results, call, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One PDP call for every miss this request owns; stores what may be cached and ends the flights.</summary>
    private async Task CallInnerAsync(
        PdpCheckRequest request, DecisionStamp stamp, AuxTokenLifetime token, List<Miss> misses, ResourceDecision?[] results, CallSummary call, CancellationToken cancellationToken)
    {
        var resources = misses.Select(m => request.Resources[m.Indexes[0]]).ToList();
        var shareable = new ResourceDecision?[misses.Count];
        try
        {
            // Meta is always asked for, so one entry serves callers with and without include_meta.
            var sub = request with { Resources = resources, IncludeMeta = true };
            _metrics.PdpCall();
            var answer = await _inner.CheckAsync(sub, cancellationToken).ConfigureAwait(false);
            call.Record(answer);
            var options = _options.Value;
            var now = _time.GetUtcNow();
            var superseded = IsSuperseded(stamp);
            var stored = new List<CachedDecision>(misses.Count);
            for (var j = 0; j < misses.Count; j++)
            {
                var decision = answer.Results[j];
                foreach (var i in misses[j].Indexes)
                {
                    results[i] = decision;
                }

                if (superseded || !DecisionCachePolicy.IsCacheable(answer, resources[j], decision))
                {
                    continue;
                }

                var ttl = token.Cap(DecisionCachePolicy.Jittered(_watch.Trusted ? options.Ttl : Min(options.Ttl, _watch.UnconfirmedTtl)), now);
                if (ttl <= TimeSpan.Zero)
                {
                    // The token expired while Cerbos was deciding, or the unconfirmed policy watch allows no caching.
                    continue;
                }

                var entry = new CachedDecision(
                    misses[j].Key, stamp.TenantId, stamp.TenantVersion, stamp.PrincipalId, stamp.PrincipalVersion,
                    stamp.PolicyEpoch, options.PolicyRevision, now + ttl, decision with { Source = DecisionSource.Cerbos });
                _l1.Store(misses[j].Key, entry, ttl);
                stored.Add(entry);
                shareable[j] = decision;
            }

            if (stored.Count > 0 && _l2.IsEnabled)
            {
                _l2.Store(stored);
            }
        }
        finally
        {
            // Always end our flights, also on failure (joiners then ask for themselves).
            for (var j = 0; j < misses.Count; j++)
            {
                if (misses[j].Flight is { } flight)
                {
                    _flights.Complete(misses[j].Key, flight, shareable[j]);
                }
            }
        }
    }

    /// <summary>
    /// True when this replica has been told of a newer policy epoch than the one the request was stamped with
    /// (read before the PDP call). The answer may then come from the replaced policies: its caller, who asked
    /// before the change, gets it, but it is neither stored nor shared with joiners. Stored under the old epoch
    /// it could not answer here, but it would in L2 for replicas not yet notified of the change.
    /// </summary>
    private bool IsSuperseded(DecisionStamp stamp)
    {
        if (_invalidation is null || stamp.PolicyEpoch >= _invalidation.LatestPolicyEpoch)
        {
            return false;
        }

        _metrics.Evicted(CacheLevels.Decision, "superseded");
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed record Miss(string Key, IReadOnlyList<int> Indexes, TaskCompletionSource<ResourceDecision?>? Flight);

    /// <summary>What the PDP calls of one request said, for the combined result.</summary>
    private sealed class CallSummary
    {
        private readonly Lock _gate = new();

        public string? CallId { get; private set; }

        public bool ProtocolError { get; private set; }

        public void Record(PdpCheckResult answer)
        {
            lock (_gate)
            {
                CallId ??= answer.CallId;
                ProtocolError |= answer.ProtocolError;
            }
        }
    }
}
