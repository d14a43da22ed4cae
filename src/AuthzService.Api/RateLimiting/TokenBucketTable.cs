using System.Collections.Concurrent;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// Token buckets by key (a caller, a tenant), never more than a fixed number of them. When the table is full,
/// buckets that have refilled completely are dropped (that loses nothing, see <see cref="TokenBucket.IsFull"/>);
/// if none can be, a new key shares one overflow bucket until a later sweep makes room. A flood of distinct keys
/// therefore costs bounded memory and is still limited, and a key with a bucket never loses its state.
/// </summary>
internal sealed class TokenBucketTable<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TokenBucket> _buckets;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _addGate = new();
    private readonly TokenBucket _overflow;
    private readonly TimeSpan _sweepInterval;
    private long _lastSweep;
    private bool _swept;

    public TokenBucketTable(int capacity, RateLimit overflowLimit, TimeProvider time, IEqualityComparer<TKey>? comparer = null, TimeSpan? sweepInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _time = time;
        _buckets = new ConcurrentDictionary<TKey, TokenBucket>(comparer ?? EqualityComparer<TKey>.Default);
        _overflow = new TokenBucket(overflowLimit, time.GetTimestamp());
        _sweepInterval = sweepInterval ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Buckets held now.</summary>
    public int Count => _buckets.Count;

    /// <summary>Raised (outside any lock, at most once per sweep interval) when a sweep found no room and new keys overflow.</summary>
    public event Action? Overflowed;

    /// <summary>A permit from <paramref name="key"/>'s bucket under <paramref name="limit"/> (which must be above 0), or the time to wait.</summary>
    public TimeSpan? TryAcquire(TKey key, RateLimit limit)
    {
        var now = _time.GetTimestamp();
        var bucket = _buckets.TryGetValue(key, out var existing) ? existing : Add(key, limit, now);
        return bucket.TryTake(limit, now, _time);
    }

    private TokenBucket Add(TKey key, RateLimit limit, long now)
    {
        var sweptInVain = false;
        lock (_addGate)
        {
            if (_buckets.TryGetValue(key, out var raced))
            {
                return raced;
            }

            if (_buckets.Count >= _capacity && CanSweep(now))
            {
                Sweep(now);
                sweptInVain = _buckets.Count >= _capacity;
            }

            if (_buckets.Count < _capacity)
            {
                var bucket = new TokenBucket(limit, now);
                _buckets[key] = bucket;
                return bucket;
            }
        }

        if (sweptInVain)
        {
            Overflowed?.Invoke();
        }

        return _overflow;
    }

    // A sweep walks the whole table, so it runs at most once per interval; in between, new keys overflow.
    // A bucket removed while another call is taking from it costs at most that one permit: harmless.
    private bool CanSweep(long now) => !_swept || _time.GetElapsedTime(_lastSweep, now) >= _sweepInterval;

    private void Sweep(long now)
    {
        _swept = true;
        _lastSweep = now;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(now, _time))
            {
                _buckets.TryRemove(new KeyValuePair<TKey, TokenBucket>(key, bucket));
            }
        }
    }
}
