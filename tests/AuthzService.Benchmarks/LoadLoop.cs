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
}
