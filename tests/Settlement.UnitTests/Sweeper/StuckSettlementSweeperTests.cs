using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Sweeper;

namespace Settlement.UnitTests.Sweeper;

public class StuckSettlementSweeperTests
{
    [Fact]
    public async Task A_sweep_cancelled_by_the_transport_is_a_failed_sweep_and_the_next_one_still_runs()
    {
        await AssertTheNextSweepRunsAsync(FirstSweepGoesWrong.Failing());
    }

    [Fact]
    public async Task A_sweep_that_never_returns_is_left_behind_at_the_step_timeout_and_the_next_one_still_runs()
    {
        await AssertTheNextSweepRunsAsync(FirstSweepGoesWrong.Hanging());
    }

    static async Task AssertTheNextSweepRunsAsync(FirstSweepGoesWrong backlog)
    {
        using var sweeper = new StuckSettlementSweeper(
            new SettlementRecords(null!), null!, Options.Create(new SettlementOptions { StepTimeout = TimeSpan.FromSeconds(2) }),
            NullLogger<StuckSettlementSweeper>.Instance, backlog);

        await sweeper.StartAsync(CancellationToken.None);
        await backlog.SecondSweep.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await sweeper.StopAsync(CancellationToken.None);

        Assert.False(sweeper.ExecuteTask!.IsFaulted, sweeper.ExecuteTask.Exception?.ToString());
    }

    /// <summary>
    /// The first sweep goes wrong as a send does under a lost broker node: it fails when its channel closes under it, or
    /// waits for ever for the confirm of a lost channel (ignoring its token). Later sweeps see a long line and stop there.
    /// </summary>
    sealed class FirstSweepGoesWrong(Func<Task<long?>> firstSweep) : ISettlementBacklog
    {
        int _calls;

        public static FirstSweepGoesWrong Failing() => new(() => throw new TaskCanceledException("A task was canceled."));

        public static FirstSweepGoesWrong Hanging() => new(() => new TaskCompletionSource<long?>().Task);

        public TaskCompletionSource SecondSweep { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long?> QueuedMessagesAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
                return firstSweep();
            SecondSweep.TrySetResult();
            return Task.FromResult<long?>(StuckSettlementSweeper.BacklogLimit + 1);
        }
    }
}
