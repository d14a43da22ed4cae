namespace AuthzService.Api.RateLimiting;

/// <summary>
/// One token bucket, refilled continuously from the elapsed time (no timer). Its limit comes with every
/// call, so a tenant whose tier changes keeps its bucket and simply refills at the new rate.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private double _tokens;
    private long _updated;
    private double _size;
    private double _perSecond;

    public TokenBucket(RateLimit limit, long timestamp)
    {
        (_size, _perSecond) = Shape(limit);
        _tokens = _size;
        _updated = timestamp;
    }

    /// <summary>Takes one token; null when it was there, else how long until one will be.</summary>
    public TimeSpan? TryTake(RateLimit limit, long timestamp, TimeProvider time)
    {
        lock (_gate)
        {
            (_size, _perSecond) = Shape(limit);
            Refill(timestamp, time);
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return null;
            }

            return TimeSpan.FromSeconds((1 - _tokens) / _perSecond);
        }
    }

    /// <summary>
    /// Whether the bucket has refilled completely: it then holds nothing a new bucket would not, so dropping it
    /// loses no state (the next call of its key starts a new, equally full one).
    /// </summary>
    public bool IsFull(long timestamp, TimeProvider time)
    {
        lock (_gate)
        {
            Refill(timestamp, time);
            return _tokens >= _size;
        }
    }

    private void Refill(long timestamp, TimeProvider time)
    {
        if (timestamp > _updated)
        {
            _tokens = Math.Min(_size, _tokens + (time.GetElapsedTime(_updated, timestamp).TotalSeconds * _perSecond));
            _updated = timestamp;
        }
        else
        {
            _tokens = Math.Min(_size, _tokens);
        }
    }

    private static (double Size, double PerSecond) Shape(RateLimit limit) =>
        (limit.Burst > 0 ? limit.Burst : limit.PermitsPerSecond, limit.PermitsPerSecond);
}
