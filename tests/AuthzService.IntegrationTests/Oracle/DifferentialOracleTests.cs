using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// The differential oracle (issue 14 point 2) on the real stack: two replicas of the service sharing real PostgreSQL,
/// Redis and Cerbos. Random tenants, teams, memberships, roles, tenant status, tiers, scopes, attributes, request-time
/// context and resources (with and without <c>tenant_id</c>, cross-tenant, ids with separators and Unicode) are written
/// through the service's write API on either replica, interleaved with checks on either replica without a token, with
/// the write's token and fully consistent. Every decision is compared with the one Cerbos gives, asked directly over
/// its HTTP API, for the principal the documentation says the model's directory yields (<see cref="OraclePrincipal"/>,
/// not our principal builder). See <see cref="OracleRun"/> for what counts as wrong. <c>AUTHZ_ORACLE_SEED</c> replays a
/// seed's choices, <c>AUTHZ_ORACLE_DECISIONS</c> sets how many decisions to judge (<c>make soak</c> judges more).
/// </summary>
[TestClass]
public sealed class DifferentialOracleTests
{
    /// <summary>Sized for well under a minute on a loaded 2-core machine.</summary>
    private const int DefaultDecisions = 6000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task RandomWritesAndChecksOnTwoReplicas_EveryDecisionIsCerbossForTheDocumentedPrincipal_WithinTheStalenessBound()
    {
        var seed = EnvInt("AUTHZ_ORACLE_SEED") ?? Random.Shared.Next();
        var target = EnvInt("AUTHZ_ORACLE_DECISIONS") ?? DefaultDecisions;
        Report($"ORACLE: seed {seed} (AUTHZ_ORACLE_SEED={seed} replays it), {target} decisions, 2 replicas");
        var cancellation = TestContext.CancellationToken;
        await using var stack = await OracleStack.StartAsync(cancellation);
        using var cerbos = new CerbosDirect(stack.Cerbos);
        await using var sql = new NpgsqlConnection(stack.Database);
        await sql.OpenAsync(cancellation);
        var random = new Random(seed);
        var generator = new OracleGenerator(random);
        var authZen = stack.Replicas.Select(r => new HttpClient { BaseAddress = r.HttpAddress }).ToArray();
        using var disposeAuthZen = new Disposables(authZen);
        var run = new OracleRun(stack, cerbos, sql, authZen, seed);
        var clock = Stopwatch.StartNew();

        // A few tenants to start from, then steps of one optional write and a batch of checks, all in flight together.
        var step = 0;
        foreach (var tenant in OracleGenerator.TenantIds.Take(5))
        {
            await run.StepAsync(step++, (new OracleWrite.UpsertTenant(tenant, false, generator.Pick(["", "pro", "enterprise"]), generator.Pick(["", "acme"])), generator.Next(2)), []);
        }

        while (run.Decisions < target && !run.TooManyWrong)
        {
            if (generator.Chance(0.1))
            {
                await run.SettleAsync();
            }

            var write = generator.Chance(0.3) ? (generator.NextWrite(run.Current), generator.Next(2)) : ((OracleWrite, int)?)null;
            var checks = Enumerable.Range(0, generator.Next(1, 6)).Select(_ =>
            {
                var roll = generator.Next(100);
                var mode = roll < 45 ? OracleMode.NoToken : roll < 75 ? OracleMode.Token : roll < 88 ? OracleMode.FullyConsistent : OracleMode.AuthZen;
                return (generator.NextCheck(run.Current), mode, generator.Next(2), generator.Chance(0.3));
            }).ToArray();
            await run.StepAsync(step++, write, checks);
        }

        var elapsed = clock.Elapsed;
        var summary = $"ORACLE: seed={seed} decisions={run.Decisions} allow={run.Allow} deny={run.DenyCount} stale-deny-within-bound={run.StaleDeny} " +
            $"stale-allow-within-bound={run.StaleAllow} wrong={run.WrongDecisions}";
        Report(summary);
        SuiteReport.Write($"{summary} ({run.Writes} writes, {elapsed.TotalSeconds:F0} s)");
        Report($"ORACLE: {step} steps, {run.Writes} writes, {cerbos.Calls} distinct Cerbos requests, {elapsed.TotalSeconds:F1} s " +
            $"(load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores); " +
            string.Join(", ", run.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        foreach (var line in run.Wrong)
        {
            Report($"ORACLE: {line}");
        }

        Assert.IsEmpty(run.Wrong, $"seed {seed} (AUTHZ_ORACLE_SEED={seed} replays it):\n{string.Join('\n', run.Wrong)}");
    }

    private static int? EnvInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
                ? value
                : throw new InvalidOperationException($"{name}={text}: not a non-negative integer")
            : null;

    private sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }

    private void Report(string line)
    {
        TestContext.WriteLine(line);
        Console.WriteLine(line);
    }
}
