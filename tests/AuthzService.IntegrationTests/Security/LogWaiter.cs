using AuthzService.IntegrationTests.Service;

namespace AuthzService.IntegrationTests.Security;

/// <summary>Waits for a log line written by the service (events from other threads land a moment after the call returns).</summary>
internal static class LogWaiter
{
    public static async Task<CapturingLoggerProvider.LogLine> WaitForAsync(
        CapturingLoggerProvider logs, Func<CapturingLoggerProvider.LogLine, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (logs.Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new AssertFailedException("No matching log line. Log:\n" + logs.Text);
            }
        }
    }

    public static bool IsAudit(CapturingLoggerProvider.LogLine line, string eventName) =>
        line.Category == "AuthzService.Audit" && line.Message.StartsWith(eventName + " ", StringComparison.Ordinal);
}
