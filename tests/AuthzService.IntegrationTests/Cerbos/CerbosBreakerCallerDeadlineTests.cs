using AuthzService.Core.Decisions;
using AuthzService.Testing;
using Polly.CircuitBreaker;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>
/// Issue 11.3: the circuit breaker counts only failures that say something about Cerbos. A call that
/// ran out of the caller's own (short) deadline still fails closed, but must not let one caller open the
/// circuit for every tenant; a real outage still opens it.
/// </summary>
[TestClass]
public sealed class CerbosBreakerCallerDeadlineTests
{
    private const int Resources = 50;

    // Production breaker settings (ratio 0.5 over at least 10 calls in 10 s, 5 s open) and default timeout.
    private static void ProductionBreaker(Infrastructure.Cerbos.CerbosOptions o)
    {
        o.DefaultTimeout = TimeSpan.FromSeconds(2);
        o.BreakerFailureRatio = 0.5;
        o.BreakerMinimumThroughput = 10;
        o.BreakerSamplingDuration = TimeSpan.FromSeconds(10);
        o.BreakerBreakDuration = TimeSpan.FromSeconds(5);
    }

    // A batch big enough that Cerbos needs more than a few milliseconds for it, with fresh ids (misses).
    private static PdpCheckRequest Batch() => Check(
        Principal("gx_member", "globex", "member"),
        [.. Enumerable.Range(0, Resources).Select(i => Resource(
            "project", "gx-" + Guid.NewGuid().ToString("N")[..12], "globex", i % 2 == 0 ? "gx_member" : "someone", string.Empty,
            "read", "update", "delete"))]);

    [TestMethod]
    public async Task CheckAsync_FiftyMissesWithOneToFiveMsCallerDeadlines_LeaveTheCircuitClosed()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        using var adapter = new CerbosAdapter(server, ProductionBreaker);
        var pdp = adapter.DecisionPoint;
        // Warm the connection, so the tiny deadlines below measure Cerbos's work, not our TLS handshake.
        Assert.AreEqual(Effect.Allow, (await pdp.CheckAsync(Batch(), CancellationToken.None)).Results[0].Actions["read"]);

        int expired = 0, unavailable = 0;
        for (var i = 0; i < 50; i++)
        {
            var request = Batch() with { Deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(1 + (i % 5)) };
            try
            {
                var answer = await pdp.CheckAsync(request, CancellationToken.None);
                Assert.HasCount(Resources, answer.Results, "an answer in time is a whole answer");
            }
            catch (PdpDeadlineExceededException)
            {
                // Fails closed: no decision, and the caller is told its deadline passed.
                expired++;
            }
            catch (PdpUnavailableException)
            {
                unavailable++;
            }
        }

        Assert.AreEqual(CircuitState.Closed, pdp.CircuitState, $"calls bounded by the caller's own deadline opened the circuit ({unavailable} unavailable)");
        Assert.AreEqual(0, unavailable, "a caller's expired deadline is not the PDP being unavailable");
        Assert.IsGreaterThanOrEqualTo(10, expired, "the deadlines were meant to expire; the test proves nothing otherwise");
        var normal = await pdp.CheckAsync(Batch(), CancellationToken.None);
        Assert.AreEqual(Effect.Allow, normal.Results[0].Actions["read"]);
        Assert.AreEqual(Effect.Deny, normal.Results[1].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckAsync_CerbosStoppedWhileCallersSendShortDeadlines_StillOpensTheCircuit()
    {
        await using var server = await CerbosServer.StartNewAsync();
        using var adapter = new CerbosAdapter(server, ProductionBreaker);
        var pdp = adapter.DecisionPoint;
        Assert.AreEqual(Effect.Allow, (await pdp.CheckAsync(Batch(), CancellationToken.None)).Results[0].Actions["read"]);

        await server.StopAsync();
        // Deadlines shorter than our own timeout, but long enough that the refused connection answers first:
        // these failures are Cerbos's, whoever's deadline bounded the call.
        for (var i = 0; i < 20 && pdp.CircuitState != CircuitState.Open; i++)
        {
            var request = Batch() with { Deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1.5) };
            await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => pdp.CheckAsync(request, CancellationToken.None));
        }

        Assert.AreEqual(CircuitState.Open, pdp.CircuitState);
        var sent = pdp.CallsSent;
        var rejected = await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => pdp.CheckAsync(Batch(), CancellationToken.None));
        Assert.IsInstanceOfType<BrokenCircuitException>(rejected.InnerException);
        Assert.AreEqual(sent, pdp.CallsSent, "an open circuit must not reach the channel");
    }
}
