using System.Diagnostics;
using System.Globalization;

namespace AuthzService.Benchmarks;

/// <summary>
/// A closed-loop load generator on a gRPC client: <c>concurrency</c> workers, each with one call in flight,
/// share one channel (HTTP/2 multiplexed, like h2load's streams). Used where h2load cannot go (Cerbos requires
/// a client certificate) and, for a fair ratio, against the service the same way. A failed call (any
/// exception) counts as failed; its latency is still recorded.
/// </summary>
internal static class LoadLoop
{
    /// <param name="call">Makes call number i (with a deadline of its own).</param>
    public static async Task<string> RunAsync(Func<long, Task> call, int concurrency, int total)
    {
        // Warm-up in this process (JIT, TLS handshake, HTTP/2 connection), not measured; ids continue after it.
        var warm = Math.Min(500, Math.Max(concurrency, total / 5));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < warm; i += concurrency)
            {
                await call(total + i);
            }
        })));

        var latencies = new double[total];
        long next = -1, ok = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await call(i);
                    Interlocked.Increment(ref ok);
                }
                catch (Exception)
                {
                    // Counted as failed (ok/total), latency still recorded.
                }

                latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Q(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
        return string.Create(CultureInfo.InvariantCulture, $"rps={total / seconds:F1} p50={Q(0.5):F3} p99={Q(0.99):F3} ok={ok} total={total}");
    }

    /// <summary>
    /// Timed rounds at a fixed concurrency, one line per round (the collapse of issue 17 showed only round over
    /// round: a path that holds its rate for the first seconds and then falls). Workers keep their call in flight
    /// across round boundaries, so the rounds are one continuous run cut into slices; each call is counted in the
    /// round in which it ended.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RoundsAsync(Func<long, Task> call, int concurrency, TimeSpan round, int rounds)
    {
        // Warm-up for one round's length at the same concurrency (JIT tiers, connections, pools), not measured.
        long next = -1;
        var warming = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (warming.Elapsed < round)
            {
                var i = Interlocked.Increment(ref next);
                try
                {
                    await call(i);
                }
                catch (Exception)
                {
                    // A failure here shows in the rounds that follow.
                }
            }
        })));

        var slices = Enumerable.Range(0, rounds).Select(_ => new Slice()).ToArray();
        var clock = Stopwatch.StartNew();
        var end = round * rounds;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                var i = Interlocked.Increment(ref next);
                var t0 = Stopwatch.GetTimestamp();
                var ok = true;
                try
                {
                    await call(i);
                }
                catch (Exception)
                {
                    ok = false;
                }

                var slot = (int)(clock.Elapsed / round);
                if (slot < rounds)
                {
                    slices[slot].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, ok);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return slices.Select((s, r) => s.Report(r + 1, round.TotalSeconds)).ToList();
    }

    private sealed class Slice
    {
        private readonly List<double> _latencies = [];
        private long _failed;

        public void Add(double milliseconds, bool ok)
        {
            lock (_latencies)
            {
                _latencies.Add(milliseconds);
                if (!ok)
                {
                    _failed++;
                }
            }
        }

        public string Report(int round, double seconds)
        {
            var l = _latencies.Order().ToArray();
            double Q(double p) => l.Length == 0 ? double.NaN : l[Math.Min(l.Length - 1, (int)(p * l.Length))];
            var mean = l.Length == 0 ? double.NaN : l.Average();
            return string.Create(CultureInfo.InvariantCulture,
                $"round={round} rps={l.Length / seconds:F1} p50={Q(0.5):F3} p99={Q(0.99):F3} mean={mean:F3} ok={l.Length - _failed} total={l.Length}");
        }
    }
}
