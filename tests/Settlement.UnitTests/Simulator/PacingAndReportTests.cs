using Settlement.Simulator.Publishing;
using Settlement.Simulator.Watching;

namespace Settlement.UnitTests.Simulator;

public class PacingAndReportTests
{
    [Fact]
    public void Each_message_is_due_at_its_index_over_the_rate_from_the_start()
    {
        var schedule = new PaceSchedule(200);

        Assert.Equal(TimeSpan.Zero, schedule.DueAt(0));
        Assert.Equal(TimeSpan.FromMilliseconds(5), schedule.DueAt(1));
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.DueAt(200));
        Assert.Equal(TimeSpan.FromSeconds(100), schedule.DueAt(20_000));
    }

    [Fact]
    public void A_publisher_behind_schedule_does_not_wait_and_one_ahead_waits_until_due()
    {
        var schedule = new PaceSchedule(100);

        Assert.Equal(TimeSpan.FromMilliseconds(40), schedule.WaitBefore(5, TimeSpan.FromMilliseconds(10)));
        // 300 ms late for message 10: it and the next ones go at once until the schedule is met again.
        Assert.Equal(TimeSpan.Zero, schedule.WaitBefore(10, TimeSpan.FromMilliseconds(400)));
        Assert.Equal(TimeSpan.Zero, schedule.WaitBefore(39, TimeSpan.FromMilliseconds(400)));
        Assert.Equal(TimeSpan.FromMilliseconds(10), schedule.WaitBefore(41, TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public void A_rate_of_zero_never_waits()
    {
        var schedule = new PaceSchedule(0);
        Assert.True(schedule.Unlimited);
        Assert.Equal(TimeSpan.Zero, schedule.WaitBefore(1_000_000, TimeSpan.Zero));
    }

    [Fact]
    public void Percentiles_are_exact_nearest_rank()
    {
        var values = Enumerable.Range(1, 20).Select(v => (double)v).ToArray();

        Assert.Equal(10, WatchReport.Percentile(values, 50));
        Assert.Equal(19, WatchReport.Percentile(values, 95));
        Assert.Equal(20, WatchReport.Percentile(values, 99));
        Assert.Equal(7, WatchReport.Percentile([7], 50));
        Assert.Null(WatchReport.Percentile([], 99));
    }

    [Fact]
    public void The_report_counts_outcomes_and_flags_the_unexpected_ones()
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        SettlementRow[] rows =
        [
            new(ids[0], SettlementRow.Settled, start, start.AddMilliseconds(100), start.AddMilliseconds(100)),
            new(ids[1], SettlementRow.Settled, start.AddSeconds(1), start.AddSeconds(2), start.AddSeconds(2)), // must fail, yet settled
            new(ids[2], SettlementRow.RolledBack, start, null, start.AddMilliseconds(150)),                    // must fail: expected
            new(ids[3], SettlementRow.Suspended, start, null, start.AddSeconds(9)),                            // valid: unexpected
            new(ids[4], "SellerDebited", start, null, start.AddSeconds(9)),                                    // still pending
        ];
        var mustFail = new HashSet<Guid> { ids[1], ids[2] };

        var report = WatchReport.From("r", trades: 7, mustFail, rows); // ids[5] and one more were never recorded

        Assert.Equal((5, 2, 1, 1, 1), (report.Found, report.Settled, report.RolledBack, report.Suspended, report.Pending));
        Assert.Equal(3, report.Lost);
        Assert.Equal(1, report.UnexpectedFailures);
        Assert.Equal(1, report.UnexpectedSettled);
        Assert.Equal(start.AddSeconds(2), report.LastSettledAt);
        Assert.Equal(1.0, report.TradesPerSec);
        Assert.Equal((100.0, 1000.0), (report.P50Ms, report.MaxMs));
        Assert.Equal((150.0, 150.0), (report.RollbackP99Ms, report.RollbackMaxMs)); // the rolled-back trade only, not the suspended one
        Assert.False(report.Succeeded);
    }
}
