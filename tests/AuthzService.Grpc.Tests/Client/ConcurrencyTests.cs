using System.Collections.Concurrent;
using AuthzService.Grpc.Client;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>C5: one pool per target; more connections once the server's stream limit is reached.</summary>
[TestClass]
public sealed class ConcurrencyTests
{
    private const string Method = "/grpc.testing.TestService/EmptyCall";
    private const int StreamLimit = 10;
    private const int Calls = 200;

    [TestMethod]
    public async Task CallUnaryAsync_200ConcurrentCallsAgainstStreamLimit10_AllSucceedOverSeveralConnections()
    {
        // Arrange: each handler waits until more calls are in flight than one connection may carry,
        // which only happens once the client has opened a second connection (bounded wait, no hang).
        var connections = new ConcurrentDictionary<string, int>();
        var inFlight = 0;
        var beyondOneConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await HandBuiltServer.StartAsync(
            async ctx =>
            {
                connections.AddOrUpdate(ctx.Connection.Id, 1, (_, n) => n + 1);
                if (Interlocked.Increment(ref inFlight) > StreamLimit)
                {
                    beyondOneConnection.TrySetResult();
                }

                try
                {
                    await beyondOneConnection.Task.WaitAsync(TimeSpan.FromSeconds(10), ctx.RequestAborted);
                }
                catch (TimeoutException)
                {
                    // Let the calls finish; the assertion on connections reports the failure.
                }

                Interlocked.Decrement(ref inFlight);
                await GrpcWire.WriteOkAsync(ctx, new Empty());
            },
            configureKestrel: kestrel => kestrel.Limits.Http2.MaxStreamsPerConnection = StreamLimit);
        // Until a new connection has read the server's SETTINGS, the client may open more than 10 streams on
        // it. Excess streams are refused (retried transparently); but Kestrel answers the DATA frame of a
        // stream it refused with a connection error (GOAWAY STREAM_CLOSED), failing the calls it had
        // accepted on that connection as UNAVAILABLE. The retry policy (C4) covers those.
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            RetryPolicy = new RetryPolicy { MaxAttempts = 5, InitialBackoff = TimeSpan.FromMilliseconds(20) },
        });

        // Act
        var calls = Enumerable.Range(0, Calls).Select(_ => channel.CallUnaryAsync(
            Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(60))));
        var responses = await Task.WhenAll(calls);

        // Assert
        Assert.HasCount(Calls, responses);
        Assert.IsGreaterThanOrEqualTo(Calls, connections.Values.Sum());
        Assert.IsGreaterThan(1, connections.Count);
    }
}
