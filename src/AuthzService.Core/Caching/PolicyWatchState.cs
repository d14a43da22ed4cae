namespace AuthzService.Core.Caching;

/// <summary>
/// Whether the policies Cerbos serves are being watched successfully (issue 11.4). When policies change
/// inside Cerbos (git store, a Cerbos deployed elsewhere), a watcher bumps the policy epoch; while it is
/// enabled but not confirmed (no successful reading yet, or the last one failed), the decision cache
/// cannot rely on it: decisions are then not read from L2 and are cached at most <see cref="UnconfirmedTtl"/>,
/// so every answer served was computed by Cerbos within that bound.
/// </summary>
public sealed class PolicyWatchState
{
    private int _confirmed;

    /// <param name="enabled">False: no watch (policy changes are announced by PolicyRevision or Invalidate); never limits the cache.</param>
    public PolicyWatchState(bool enabled, TimeSpan unconfirmedTtl)
    {
        Enabled = enabled;
        UnconfirmedTtl = unconfirmedTtl;
    }

    /// <summary>A state that never limits the cache (no watch configured).</summary>
    public static PolicyWatchState Disabled { get; } = new(false, TimeSpan.Zero);

    public bool Enabled { get; }

    /// <summary>Longest life of a decision cached while the watch is not confirmed.</summary>
    public TimeSpan UnconfirmedTtl { get; }

    /// <summary>True when the cache may use its full TTL and L2: no watch configured, or the watch is healthy.</summary>
    public bool Trusted => !Enabled || Volatile.Read(ref _confirmed) == 1;

    /// <summary>A reading succeeded. Returns true when the watch was not confirmed before.</summary>
    public bool Confirm() => Interlocked.Exchange(ref _confirmed, 1) == 0;

    /// <summary>A reading failed. Returns true when the watch was confirmed before (the caller then drops L1).</summary>
    public bool Lose() => Interlocked.Exchange(ref _confirmed, 0) == 1;
}
