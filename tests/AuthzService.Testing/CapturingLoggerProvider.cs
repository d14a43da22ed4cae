using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthzService.Testing;

/// <summary>
/// The one log capture of the tests: keeps every line (category, level, event id, message, exception and the
/// structured values) so tests can assert on what was logged and on what must never be. It is a provider (for a
/// host's logging) and a factory (for a class that takes an <see cref="ILoggerFactory"/> or an <c>ILogger&lt;T&gt;</c>
/// made with <c>CreateLogger&lt;T&gt;()</c>); every level is captured.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public string Text => string.Join('\n', _lines.Select(l => $"{l.Level} {l.Category}[{l.EventId}]: {l.Message}{(l.Exception is null ? "" : " " + l.Exception)}"));

    /// <summary>Whether <paramref name="line"/> is the audit event <paramref name="eventName"/> (e.g. <c>audit.decision</c>).</summary>
    public static bool IsAudit(LogLine line, string eventName)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Category == "AuthzService.Audit" && line.Message.StartsWith(eventName + " ", StringComparison.Ordinal);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first line matching <paramref name="match"/>, waiting for it: events written on other threads land a moment after the call that caused them returns.</summary>
    public async Task<LogLine> WaitForAsync(Func<LogLine, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No matching log line. Log:\n" + Text);
            }
        }
    }

    void ILoggerFactory.AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public sealed record LogLine(string Category, LogLevel Level, int EventId, string Message, string? Exception)
    {
        /// <summary>The structured values of the event (template names to values), as the JSON formatter would write them.</summary>
        public IReadOnlyDictionary<string, string?> State { get; init; } = new Dictionary<string, string?>();

        public string? this[string key] => State.TryGetValue(key, out var value) ? value : null;
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new LogLine(category, logLevel, eventId.Id, formatter(state, exception), exception?.ToString())
            {
                State = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString())
                    : new Dictionary<string, string?>(),
            });
    }
}
