using Microsoft.Extensions.Logging;
using Settlement.Host.Observability;

namespace Settlement.UnitTests.Observability;

public class CachedReadingTests
{
    readonly ManualClock _clock = new();
    readonly RecordingLogger _logger = new();
    readonly ObservabilityOptions _options = new() { CacheDuration = TimeSpan.FromSeconds(5), SourceTimeout = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task A_reading_is_reused_until_it_is_older_than_the_cache_duration()
    {
        var reads = 0;
        var reading = new CachedReading<string>("db", _ => Task.FromResult($"read {++reads}"), _options, _clock, _logger);

        await reading.RefreshAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(4));
        await reading.RefreshAsync(CancellationToken.None);
        Assert.Equal("read 1", reading.Value);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await reading.RefreshAsync(CancellationToken.None);
        Assert.Equal("read 2", reading.Value);
        Assert.True(reading.IsUp);
    }

    [Fact]
    public async Task A_failing_source_has_no_value_and_is_logged_once_until_it_answers_again()
    {
        var failing = true;
        var reading = new CachedReading<string>("management", _ => failing ? throw new HttpRequestException("refused") : Task.FromResult("depths"),
            new ObservabilityOptions { CacheDuration = TimeSpan.Zero }, _clock, _logger);

        await reading.RefreshAsync(CancellationToken.None);
        await reading.RefreshAsync(CancellationToken.None);
        await reading.RefreshAsync(CancellationToken.None);

        Assert.Null(reading.Value);
        Assert.False(reading.IsUp);
        Assert.Equal([LogLevel.Warning], _logger.Levels);

        failing = false;
        await reading.RefreshAsync(CancellationToken.None);
        await reading.RefreshAsync(CancellationToken.None);

        Assert.Equal("depths", reading.Value);
        Assert.Equal([LogLevel.Warning, LogLevel.Information], _logger.Levels);
    }

    [Fact]
    public async Task A_source_that_does_not_answer_in_time_is_left_out_and_the_refresh_returns()
    {
        var reading = new CachedReading<string>("db", async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return "never";
        }, _options, _clock, _logger);

        var refresh = reading.RefreshAsync(CancellationToken.None);

        Assert.Same(refresh, await Task.WhenAny(refresh, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Null(reading.Value);
        Assert.Equal([LogLevel.Warning], _logger.Levels);
    }

    sealed class ManualClock : TimeProvider
    {
        DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    sealed class RecordingLogger : ILogger
    {
        public List<LogLevel> Levels { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Add(logLevel);
    }
}
