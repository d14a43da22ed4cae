using System.Diagnostics;

namespace AuthzService.IntegrationTests;

/// <summary>
/// The one polling helper of the integration tests: wait until a condition holds, or retry an action while it
/// fails the way a dependency coming back fails. Every caller names its own timeout, poll interval and what it
/// waits for; a condition is checked at least once, so a test can still fail on the first look.
/// </summary>
internal static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="interval"/> until it holds and returns how long
    /// that took; fails with "not within {timeout}: {what}" once <paramref name="timeout"/> has passed.
    /// </summary>
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not within {timeout}: {what}");
            }

            await Task.Delay(interval);
        }

        return clock.Elapsed;
    }

    /// <summary>
    /// Calls <paramref name="action"/> until it returns. An exception <paramref name="retryable"/> accepts is retried
    /// after <paramref name="interval"/> while <paramref name="timeout"/> has not passed; after that, and any other
    /// exception at once, propagates.
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> action, Func<Exception, bool> retryable, TimeSpan timeout, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (retryable(ex) && clock.Elapsed < timeout)
            {
                await Task.Delay(interval);
            }
        }
    }
}
