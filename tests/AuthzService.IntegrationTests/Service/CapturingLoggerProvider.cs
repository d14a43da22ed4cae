using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthzService.IntegrationTests.Service;

/// <summary>Keeps every log line of a service instance so tests can assert on logs (and on what they must never contain).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public string Text => string.Join('\n', _lines.Select(l => $"{l.Level} {l.Category}[{l.EventId}]: {l.Message}{(l.Exception is null ? "" : " " + l.Exception)}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

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
