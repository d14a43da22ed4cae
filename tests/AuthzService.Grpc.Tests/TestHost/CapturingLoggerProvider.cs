using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Keeps every log entry, so tests can check what the server logged (and what it did not send).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Entries of our gRPC layer with the given event id (other categories reuse small ids).</summary>
    public IReadOnlyList<LogEntry> Grpc(int eventId) =>
        _entries.Where(e => e.Category == "AuthzService.Grpc.Server" && e.EventId.Id == eventId).ToList();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
