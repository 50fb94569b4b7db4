namespace Settlement.Simulator.Publishing;

/// <summary>
/// When each message is due, counted from the start of the run: message i at i / rate seconds. Because the schedule is
/// absolute, a publisher that fell behind (a slow confirm, a GC pause) catches up by publishing the overdue messages at
/// once, instead of drifting as a sleep after every message would. A rate of 0 means as fast as possible.
/// </summary>
public sealed record PaceSchedule(double Rate)
{
    public bool Unlimited => Rate <= 0;

    public TimeSpan DueAt(int index) =>
        Unlimited ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Round(index * (double)TimeSpan.TicksPerSecond / Rate));

    /// <summary>How long to wait before publishing message <paramref name="index"/>, <paramref name="elapsed"/> into the run.</summary>
    public TimeSpan WaitBefore(int index, TimeSpan elapsed)
    {
        var wait = DueAt(index) - elapsed;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }
}
