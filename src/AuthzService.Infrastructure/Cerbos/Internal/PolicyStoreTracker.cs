namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// Decides from successive <see cref="PolicyStoreState"/>s when the policy epoch must be bumped. Pure.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The first reading only learns the state: the entries in the shared cache were computed by this
/// Cerbos (or one the other replicas watch), and a change before our start was theirs to see.</item>
/// <item>A Cerbos process not seen before since then (its restart, or another replica of an external
/// Cerbos behind a load balancer) may serve other policies than the entries in the shared cache were
/// computed with: bump.</item>
/// <item>A known process whose counters moved has changed its policy store: bump.</item>
/// <item>Cerbos counts a change when its index takes it and applies it to its rule table a moment later
/// (asynchronously, after compiling). A decision computed in between, by the old rules, may be stored
/// under the bumped epoch; so after each bump comes one more, at the first later reading that shows no
/// further change ("settle").</item>
/// </list>
/// States are remembered per process (bounded), so readings that alternate between the replicas of an
/// external Cerbos do not look like changes.
/// </remarks>
internal sealed class PolicyStoreTracker
{
    public const int MaxProcesses = 64;

    private readonly Dictionary<string, string> _fingerprints = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private bool _settle;

    /// <summary>True when a bump is due (set by <see cref="Observe"/>, cleared by <see cref="Bumped"/>).</summary>
    public bool BumpDue { get; private set; }

    /// <summary>Why the last due bump is due, for the log.</summary>
    public string Reason { get; private set; } = string.Empty;

    public void Observe(PolicyStoreState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_fingerprints.Count == 0)
        {
            Remember(state);
        }
        else if (!_fingerprints.TryGetValue(state.Process, out var known))
        {
            Remember(state);
            Due("new Cerbos process");
        }
        else if (!string.Equals(known, state.Fingerprint, StringComparison.Ordinal))
        {
            _fingerprints[state.Process] = state.Fingerprint;
            Due("policy store changed");
        }
        else if (_settle && !BumpDue)
        {
            _settle = false;
            BumpDue = true;
            Reason = "settled after a change";
        }
    }

    /// <summary>The due bump was made.</summary>
    public void Bumped() => BumpDue = false;

    private void Due(string reason)
    {
        BumpDue = true;
        _settle = true;
        Reason = reason;
    }

    private void Remember(PolicyStoreState state)
    {
        if (_order.Count >= MaxProcesses)
        {
            _fingerprints.Remove(_order.Dequeue());
        }

        _fingerprints[state.Process] = state.Fingerprint;
        _order.Enqueue(state.Process);
    }
}
