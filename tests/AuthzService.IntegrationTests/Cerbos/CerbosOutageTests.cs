using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuthzService.Core.Decisions;
using AuthzService.Testing;
using Polly.CircuitBreaker;
using static AuthzService.Testing.CerbosTestData;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>Cerbos going away: no decision, no hang, the circuit opens, and recovery once Cerbos is back.</summary>
[TestClass]
public sealed class CerbosOutageTests
{
    // Shared machines are noisy: we only assert "did not hang", never a latency.
    private static readonly TimeSpan s_hangSlack = TimeSpan.FromSeconds(2);

    private static PdpCheckRequest NewRequest() => Check(
        Principal("gx_member", "globex", "member"), Resource("project", "gx-1", "globex", "gx_member", string.Empty, "read"));

    [TestMethod]
    public async Task CheckAsync_CerbosStoppedThenRestarted_FailsFastOpensCircuitAndRecovers()
    {
        await using var server = await CerbosServer.StartNewAsync();
        var timeout = TimeSpan.FromSeconds(2);
        using var adapter = new CerbosAdapter(server, o =>
        {
            o.DefaultTimeout = timeout;
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
            o.BreakerSamplingDuration = TimeSpan.FromSeconds(30);
            o.BreakerBreakDuration = TimeSpan.FromSeconds(1);
        });
        var pdp = adapter.DecisionPoint;
        Assert.AreEqual(Effect.Allow, (await pdp.CheckAsync(NewRequest(), CancellationToken.None)).Results[0].Actions["read"]);

        await server.StopAsync();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => pdp.CheckAsync(NewRequest(), CancellationToken.None));
        Assert.IsLessThan(timeout + s_hangSlack, watch.Elapsed, "the call hung past its deadline");

        for (var i = 0; i < 10 && pdp.CircuitState != CircuitState.Open; i++)
        {
            await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => pdp.CheckAsync(NewRequest(), CancellationToken.None));
        }

        Assert.AreEqual(CircuitState.Open, pdp.CircuitState);
        var sentBefore = pdp.CallsSent;
        var rejected = await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => pdp.CheckAsync(NewRequest(), CancellationToken.None));
        Assert.IsInstanceOfType<BrokenCircuitException>(rejected.InnerException);
        Assert.AreEqual(sentBefore, pdp.CallsSent, "an open circuit must not reach the channel");

        await server.StartAsync();
        var recovered = await Eventually.ReturnsAsync(
            () => pdp.CheckAsync(NewRequest(), CancellationToken.None),
            // The circuit lets a trial call through once its break has passed.
            ex => ex is PdpUnavailableException,
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(100));
        Assert.AreEqual(Effect.Allow, recovered.Results[0].Actions["read"]);
        Assert.AreEqual(CircuitState.Closed, pdp.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_PeerThatNeverAnswers_ThrowsUnavailableByTheDeadline()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        // Accepts TCP and then says nothing: the TLS handshake never completes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var deadline = TimeSpan.FromSeconds(1);
        using var adapter = new CerbosAdapter(server, o =>
        {
            o.Address = new Uri($"https://127.0.0.1:{port}");
            o.DefaultTimeout = deadline;
        });

        // No caller deadline: our own timeout is the limit, so its expiry is Cerbos's failure.
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsExactlyAsync<PdpUnavailableException>(() => adapter.DecisionPoint.CheckAsync(NewRequest(), CancellationToken.None));

        Assert.IsLessThan(deadline + s_hangSlack, watch.Elapsed, "the call hung past its deadline");
        StringAssert.Contains(error.Message, "DeadlineExceeded");
    }

    [TestMethod]
    public async Task CheckAsync_PeerThatNeverAnswersWithinTheCallersShorterDeadline_ThrowsDeadlineExceededAndKeepsCircuitClosed()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var adapter = new CerbosAdapter(server, o =>
        {
            o.Address = new Uri($"https://127.0.0.1:{port}");
            o.BreakerMinimumThroughput = 2;
        });
        var deadline = TimeSpan.FromMilliseconds(300);

        for (var i = 0; i < 3; i++)
        {
            var request = NewRequest() with { Deadline = DateTime.UtcNow + deadline };
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsExactlyAsync<PdpDeadlineExceededException>(() => adapter.DecisionPoint.CheckAsync(request, CancellationToken.None));
            Assert.IsLessThan(deadline + s_hangSlack, watch.Elapsed, "the call hung past its deadline");
        }

        // The caller's 300 ms was less than our own 5 s: nothing was learnt about Cerbos.
        Assert.AreEqual(CircuitState.Closed, adapter.DecisionPoint.CircuitState);
    }

    [TestMethod]
    public async Task CheckAsync_CallerCancels_ThrowsOperationCanceledWithoutDecision()
    {
        var server = await CerbosServerFixture.GetSharedAsync();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var adapter = new CerbosAdapter(server, o => o.Address = new Uri($"https://127.0.0.1:{port}"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<OperationCanceledException>(() => adapter.DecisionPoint.CheckAsync(NewRequest(), cts.Token));

        Assert.AreEqual(CircuitState.Closed, adapter.DecisionPoint.CircuitState);
    }
}
