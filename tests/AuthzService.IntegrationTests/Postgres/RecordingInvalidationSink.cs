using AuthzService.Core.Invalidation;

namespace AuthzService.IntegrationTests.Postgres;

/// <summary>Records what a listener delivers and lets tests await a matching event without sleeping.</summary>
internal sealed class RecordingInvalidationSink : IInvalidationSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnPrincipalChanged(string tenantId, string principalId, long version) =>
        Add($"principal|{tenantId}|{principalId}|{version}");

    public void OnTenantChanged(string tenantId, long version) => Add($"tenant|{tenantId}|{version}");

    public void OnPolicyEpochChanged(long epoch) => Add($"policy|{epoch}");

    public void OnResync() => Add("resync");

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Waits until an event equal to <paramref name="expected"/> has been recorded.</summary>
    public Task WaitForAsync(string expected, TimeSpan? timeout = null) =>
        WaitForAsync(e => e == expected, expected, timeout);

    public async Task WaitForAsync(Func<string, bool> predicate, string description, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_events.Any(predicate))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for '{description}'. Received: [{string.Join(", ", Events)}]");
            }
        }
    }

    private void Add(string entry)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(entry);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
