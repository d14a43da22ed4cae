namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// At most one log line per interval for an event that an attacker can repeat at will (a refused cache value):
/// the first occurrence is reported at once, later ones are counted and the count goes with the next report.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private long _nextTicks = long.MinValue;
    private long _suppressed;

    /// <summary>True when this occurrence should be logged; <paramref name="suppressed"/> = occurrences not logged since the last report.</summary>
    public bool ShouldLog(out long suppressed)
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextTicks, now + interval.Ticks, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
