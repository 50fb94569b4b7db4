using System.Diagnostics;
using Xunit;

namespace Settlement.Testing;

/// <summary>The one wait-until loop of the tests: asks again every <c>interval</c> (50 ms unless told) until the answer comes or the time is up.</summary>
public static class Poll
{
    static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Calls <paramref name="find"/> until it returns something, and returns that; fails with <paramref name="failure"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> find, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await find() is { } found)
                return found;
            if (clock.Elapsed >= timeout)
                Assert.Fail(failure());
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="failure"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null) =>
        ForAsync(async () => await condition() ? string.Empty : null, timeout, failure, interval);

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, TimeSpan, Func{string}, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, failure, interval);
}
