namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// Cancels a PostgreSQL round trip without lending Npgsql the caller's thread. Npgsql cancels a running command
/// inside the token's callback, synchronously: it opens a connection, sends PostgreSQL a cancel request and blocks
/// until the server closes that connection. Against a frozen server (SIGSTOP, a hung host, a black-holed network)
/// that blocks for as long as the fault lasts, on whatever thread cancelled the token: the gRPC deadline timer of a
/// check, the health probe's timeout. Found by the fault suite (Faults/DependencyFreezeTests): checks answered
/// DEADLINE_EXCEEDED up to 200 ms past their deadline and health never said NOT_SERVING while PostgreSQL was frozen.
/// Here the driver gets a token of its own, cancelled on the thread pool when the caller's is, and the caller stops
/// waiting at once; the abandoned round trip ends in the background (its connection is broken or returned).
/// </summary>
internal static class DriverCancellation
{
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return await work(CancellationToken.None);
        }

        // Never disposed: it has no timer, and the queued Cancel may run after the work has ended.
        var driver = new CancellationTokenSource();
        Task<T> task;
        using (cancellationToken.UnsafeRegister(
            static state => ThreadPool.UnsafeQueueUserWorkItem(static s => ((CancellationTokenSource)s!).Cancel(), state, preferLocal: false),
            driver))
        {
            task = work(driver.Token);
            try
            {
                return await task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
            {
                // Observe the abandoned round trip's failure, so it is not reported as an unobserved task exception.
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }
        }
    }
}
