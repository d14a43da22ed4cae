using System.Collections.Concurrent;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Records which handlers ran, so tests can prove a bad request never reached one.</summary>
public sealed class InvocationLog
{
    private readonly ConcurrentQueue<string> _methods = new();

    public IReadOnlyCollection<string> Methods => _methods;

    public void Record(string method) => _methods.Enqueue(method);

    public int Count(string method) => _methods.Count(m => m == method);

    /// <summary>Held by <c>WaitForGate</c> handlers until a test opens it.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Polls until <paramref name="method"/> has run, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(string method, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Count(method) == 0)
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
