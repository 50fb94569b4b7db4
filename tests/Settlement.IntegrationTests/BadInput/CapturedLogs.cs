using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Settlement.Testing;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// A logger provider that keeps every event the service logs at Warning or above, next to its production sink (Serilog),
/// so a test can assert that a rejection was logged and what the log said.
/// </summary>
sealed class CapturedLogs : ILoggerProvider
{
    readonly ConcurrentQueue<CapturedLog> _events = new();

    public IReadOnlyList<CapturedLog> Events => [.. _events];

    /// <summary>Waits until an event at Warning or above mentions every one of <paramref name="mentions"/>, and returns it.</summary>
    public Task<CapturedLog> WaitForAsync(params string[] mentions) => Poll.ForAsync(
        () => Task.FromResult(_events.FirstOrDefault(e => mentions.All(e.Mentions))),
        TimeSpan.FromSeconds(30),
        () => $"No Warning or Error mentions {string.Join(" and ", mentions)}. Logged:\n{string.Join("\n", _events.TakeLast(20))}");

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void Dispose()
    {
    }

    sealed class Logger(string category, ConcurrentQueue<CapturedLog> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                events.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception?.ToString()));
        }
    }
}

/// <summary>One logged event: its level, category, rendered message and exception (with inner exceptions).</summary>
sealed record CapturedLog(LogLevel Level, string Category, string Message, string? Exception)
{
    public bool Mentions(string text) =>
        Message.Contains(text, StringComparison.Ordinal) || Exception?.Contains(text, StringComparison.Ordinal) == true;

    public override string ToString() => $"{Level} {Category}: {Message} {Exception?.Split('\n')[0]}";
}
