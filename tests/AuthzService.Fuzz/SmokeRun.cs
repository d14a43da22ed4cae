using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace AuthzService.Fuzz;

/// <summary>
/// The time-boxed run of <c>make test</c>: every file of <c>corpus/TARGET/</c>, then mutated inputs (each target's <see cref="FuzzTarget.SmokeMutations"/>, or <c>mutations</c>) made
/// from them by <see cref="Mutator"/> with a printed seed, through each target. Prints one
/// <c>FUZZ: target=... inputs=... failures=...</c> line per target; a failing input is written to
/// <c>artifacts/fuzz/failures/TARGET/</c> and shown (base64), so it can be replayed and added to the corpus.
/// </summary>
internal static class SmokeRun
{
    public static int Run(string corpusRoot, string failureRoot, int seed, int? mutations, IReadOnlyList<FuzzTarget> targets, TimeSpan hangAfter)
    {
        Console.WriteLine($"FUZZ: seed={seed} (FUZZ_SEED={seed} replays it), mutations per target={mutations?.ToString(CultureInfo.InvariantCulture) ?? "each target's default (FUZZ_MUTATIONS sets them)"}, corpus {corpusRoot}");
        using var watchdog = new Watchdog(hangAfter);
        var passed = 0;
        var failed = 0;
        for (var index = 0; index < targets.Count; index++)
        {
            var target = targets[index];
            var corpus = Corpus.Read(Path.Combine(corpusRoot, target.Name));
            var random = new Random(unchecked(seed + (index * 7919)));
            var mutator = new Mutator(random, [.. corpus.Select(c => c.Bytes)], target.Dictionary);
            var failures = new Dictionary<string, (int Count, byte[] Input, string Detail)>(StringComparer.Ordinal);
            var mutated = mutations ?? target.SmokeMutations;
            var clock = Stopwatch.StartNew();
            var inputs = 0;

            void One(byte[] input, string origin)
            {
                inputs++;
                watchdog.Start(target.Name, input);
                try
                {
                    target.Run(input);
                }
                catch (Exception ex)
                {
                    var signature = Signature(ex);
                    failures[signature] = failures.TryGetValue(signature, out var seen)
                        ? (seen.Count + 1, seen.Input.Length <= input.Length ? seen.Input : input, seen.Detail)
                        : (1, input, $"{origin}: {ex.GetType().FullName}: {ex.Message}\n{ex.StackTrace}");
                }
                finally
                {
                    watchdog.Stop();
                }
            }

            foreach (var (name, bytes) in corpus)
            {
                One(bytes, $"corpus {name}");
            }

            for (var i = 0; i < mutated; i++)
            {
                One(mutator.Next(), $"mutation {i}");
            }

            var failureCount = failures.Values.Sum(f => f.Count);
            Console.WriteLine($"FUZZ: target={target.Name} inputs={inputs} corpus={corpus.Count} mutated={mutated} failures={failureCount} distinct={failures.Count} seed={seed} ({clock.Elapsed.TotalSeconds:F1} s)");
            foreach (var (signature, (count, input, detail)) in failures)
            {
                var file = Path.Combine(failureRoot, target.Name, Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, input);
                Console.WriteLine($"FUZZ: FAIL target={target.Name} x{count} {signature}\n  smallest input ({input.Length} bytes, saved as {file}): {Convert.ToBase64String(input)}\n  {detail.ReplaceLineEndings("\n  ")}");
            }

            if (failureCount == 0)
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }

        Console.WriteLine($"fuzz smoke: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Failures are grouped by exception type and the first frame of ours that threw.</summary>
    private static string Signature(Exception ex)
    {
        var frame = ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("AuthzService.", StringComparison.Ordinal)) ?? "?";
        var at = frame.IndexOf(" in ", StringComparison.Ordinal);
        return $"{ex.GetType().Name} {(at > 0 ? frame[..at] : frame)}{(ex is ContractViolation ? ": " + ex.Message : string.Empty)}";
    }

    /// <summary>Ends the process when one input runs longer than the limit: a hang is a failure, shown with its input.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Timer _timer;
        private readonly TimeSpan _limit;
        private string? _target;
        private byte[]? _input;
        private long _started;

        public Watchdog(TimeSpan limit)
        {
            _limit = limit;
            _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        public void Start(string target, byte[] input)
        {
            lock (_gate)
            {
                (_target, _input, _started) = (target, input, Stopwatch.GetTimestamp());
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _input = null;
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Check()
        {
            lock (_gate)
            {
                if (_input is null || Stopwatch.GetElapsedTime(_started) < _limit)
                {
                    return;
                }

                Console.WriteLine($"FUZZ: HANG target={_target}: one input ran longer than {_limit.TotalSeconds} s (FUZZ_HANG_SECONDS): {Convert.ToBase64String(_input)}");
                Console.WriteLine("fuzz smoke: 0 passed, 1 failed");
                Console.Out.Flush();
                Environment.Exit(2);
            }
        }
    }
}

/// <summary>The committed seed inputs of one target: every file of its folder, by name.</summary>
internal static class Corpus
{
    public static List<(string Name, byte[] Bytes)> Read(string directory) =>
        !Directory.Exists(directory)
            ? []
            : [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(f => (Path.GetRelativePath(directory, f), File.ReadAllBytes(f)))];
}
