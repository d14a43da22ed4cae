using System.Globalization;
using AuthzService.Fuzz;

// The fuzz driver (docs/testing.md, "Fuzzing"):
//   smoke [TARGET...]      corpus + seeded mutations per target (4000, pem 1000; FUZZ_MUTATIONS sets all); FUZZ_SEED (default 14004)
//   replay TARGET FILE...  one target over the given files (a crash AFL++ saved, a failing smoke input)
//   afl TARGET             under afl-fuzz: SharpFuzz's persistent loop (needs SharpFuzz-instrumented assemblies)
//   dict TARGET FILE       writes the target's dictionary for afl-fuzz -x
//   seed DIR               writes the generated seed files (the committed corpus was made with it)
//   list                   the targets
var command = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToList();
switch (command)
{
    case "list":
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name,-20} {target.Description}");
        }

        return 0;

    case "smoke":
        {
            var targets = rest.Count == 0 ? FuzzTargets.All : [.. rest.Select(FuzzTargets.Find)];
            var seedText = Environment.GetEnvironmentVariable("FUZZ_SEED");
            var seed = seedText switch
            {
                null or "" => 14004,
                "random" => Random.Shared.Next(),
                _ => int.Parse(seedText, CultureInfo.InvariantCulture),
            };
            var mutations = EnvInt("FUZZ_MUTATIONS");
            var hang = TimeSpan.FromSeconds(EnvInt("FUZZ_HANG_SECONDS") ?? 10);
            var corpus = Environment.GetEnvironmentVariable("FUZZ_CORPUS") is { Length: > 0 } dir ? dir : Path.Combine(Repo.Root, "tests", "AuthzService.Fuzz", "corpus");
            try
            {
                return SmokeRun.Run(corpus, Path.Combine(Repo.Root, "artifacts", "fuzz", "failures"), seed, mutations, targets, hang);
            }
            finally
            {
                AuthzService.Fuzz.Targets.PemTarget.Cleanup();
            }
        }

    case "replay" when rest.Count >= 2:
        {
            var target = FuzzTargets.Find(rest[0]);
            var failures = 0;
            foreach (var file in rest.Skip(1))
            {
                try
                {
                    target.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"ok    {file}");
                }
                catch (Exception ex)
                {
                    failures++;
                    Console.WriteLine($"FAIL  {file}: {ex}");
                }
            }

            AuthzService.Fuzz.Targets.PemTarget.Cleanup();
            return failures == 0 ? 0 : 1;
        }

    case "afl" when rest.Count == 1:
        {
            var target = FuzzTargets.Find(rest[0]);
            SharpFuzz.Fuzzer.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            });
            return 0;
        }

    case "dict" when rest.Count == 2:
        {
            // The target's tokens as an AFL++ dictionary (-x): one quoted token a line, bytes outside printable ASCII as \xNN.
            var lines = FuzzTargets.Find(rest[0]).Dictionary.Select((token, i) =>
                $"token_{i}=\"{string.Concat(token.Select(b => b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}"))}\"");
            File.WriteAllLines(rest[1], lines);
            return 0;
        }

    case "seed" when rest.Count == 1:
        Seeds.Write(rest[0]);
        return 0;

    default:
        Console.Error.WriteLine("usage: AuthzService.Fuzz list | smoke [TARGET...] | replay TARGET FILE... | afl TARGET | dict TARGET FILE | seed DIR");
        return 2;
}

static int? EnvInt(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

/// <summary>The repository root (the folder holding AuthzService.sln), found from the binary's folder or the working directory.</summary>
internal static class Repo
{
    public static string Root { get; } = Find(AppContext.BaseDirectory) ?? Find(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException("AuthzService.sln not found above " + AppContext.BaseDirectory + "; set FUZZ_CORPUS");

    private static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuthzService.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
