using System.Collections.Concurrent;

namespace AuthzService.IntegrationTests.Security;

/// <summary>
/// Keeps calls going on several workers until stopped, counting successes and keeping every failure,
/// so a test can change something underneath (rotate a certificate) and prove no call failed.
/// </summary>
internal sealed class LoadDriver : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private long _succeeded;

    private LoadDriver()
    {
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Starts one worker per call function; each runs its call back to back.</summary>
    public static LoadDriver Start(params Func<CancellationToken, Task>[] calls)
    {
        var driver = new LoadDriver();
        foreach (var call in calls)
        {
            driver._workers.Add(Task.Run(() => driver.RunAsync(call)));
        }

        return driver;
    }

    /// <summary>Waits until at least <paramref name="more"/> further calls have succeeded.</summary>
    public async Task WaitForMoreAsync(long more, TimeSpan? timeout = null)
    {
        var target = Succeeded + more;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (Succeeded < target)
        {
            if (!_failures.IsEmpty)
            {
                throw new AssertFailedException("Calls failed under load: " + string.Join(" | ", _failures.Take(5)));
            }

            await Task.Delay(20, cts.Token);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task> call)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await call(_stop.Token);
                Interlocked.Increment(ref _succeeded);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _failures.Enqueue(ex.GetType().Name + ": " + ex.Message);
            }
        }
    }
}
