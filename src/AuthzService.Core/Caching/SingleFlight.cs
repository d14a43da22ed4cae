using System.Collections.Concurrent;

namespace AuthzService.Core.Caching;

/// <summary>
/// One computation per key at a time: the first caller owns the flight and must complete it; later
/// callers join and await the owner's value. A null value means "no usable answer" (failure or not
/// cacheable): joiners then compute for themselves, so a failure is never shared as an answer.
/// </summary>
internal sealed class SingleFlight<T>
    where T : class
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<T?>> _flights = new(StringComparer.Ordinal);

    public int Count => _flights.Count;

    /// <summary>True when the caller now owns a new flight; false with the flight already running.</summary>
    public bool TryOwn(string key, out TaskCompletionSource<T?> flight)
    {
        var created = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
        flight = _flights.GetOrAdd(key, created);
        return ReferenceEquals(flight, created);
    }

    /// <summary>Ends the owner's flight: removes it (so later misses start a new one) and wakes the joiners.</summary>
    public void Complete(string key, TaskCompletionSource<T?> flight, T? value)
    {
        ArgumentNullException.ThrowIfNull(flight);
        _flights.TryRemove(KeyValuePair.Create(key, flight));
        flight.TrySetResult(value);
    }
}
