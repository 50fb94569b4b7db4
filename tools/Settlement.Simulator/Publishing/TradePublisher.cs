using System.Diagnostics;
using MassTransit;
using Serilog;
using Settlement.Simulator.Market;

namespace Settlement.Simulator.Publishing;

/// <summary>
/// Publishes trades on a <see cref="PaceSchedule"/> with up to <c>maxInFlight</c> publishes awaiting their broker confirm
/// at once (one at a time, a confirm round trip would cap the rate). Each trade's <c>ExecutedAt</c> is the moment its
/// publish starts. Stops at the first publish that fails.
/// </summary>
public static class TradePublisher
{
    public sealed record Result(DateTimeOffset StartedAt, DateTimeOffset EndedAt, int Published)
    {
        public double Seconds => (EndedAt - StartedAt).TotalSeconds;
        public double AchievedRate => Seconds > 0 ? Published / Seconds : Published;
    }

    public static async Task<Result> PublishAsync(IPublishEndpoint bus, IEnumerable<PlannedTrade> trades, PaceSchedule schedule,
        int maxInFlight, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var inFlight = new List<Task>();
        var published = 0;
        Exception? failure = null;
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        var nextReport = TimeSpan.FromSeconds(5);

        foreach (var trade in trades)
        {
            var wait = schedule.WaitBefore(trade.Index, clock.Elapsed);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            await slots.WaitAsync(cancellationToken);
            if (Volatile.Read(ref failure) is not null)
                break;

            inFlight.Add(PublishOneAsync(trade));
            if (clock.Elapsed >= nextReport)
            {
                var done = Volatile.Read(ref published);
                Log.Information("publish: {Published} of the trades confirmed, {Rate:F0}/s", done, done / clock.Elapsed.TotalSeconds);
                nextReport += TimeSpan.FromSeconds(5);
            }
        }

        await Task.WhenAll(inFlight);
        var endedAt = DateTimeOffset.UtcNow;
        if (failure is not null)
            throw new InvalidOperationException($"publishing stopped after {published} confirmed trades", failure);
        return new Result(startedAt, endedAt, published);

        async Task PublishOneAsync(PlannedTrade trade)
        {
            try
            {
                await bus.Publish(trade.ToMessage(DateTimeOffset.UtcNow), cancellationToken);
                Interlocked.Increment(ref published);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
