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
        var backlog = new FailingOnce();
        using var sweeper = new StuckSettlementSweeper(
            new SettlementRecords(null!), null!, Options.Create(new SettlementOptions { StepTimeout = TimeSpan.FromSeconds(2) }),
            NullLogger<StuckSettlementSweeper>.Instance, backlog);

        await sweeper.StartAsync(CancellationToken.None);
        await backlog.SecondSweep.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await sweeper.StopAsync(CancellationToken.None);

        Assert.False(sweeper.ExecuteTask!.IsFaulted, sweeper.ExecuteTask.Exception?.ToString());
    }

    /// <summary>The first sweep fails as a send does when its channel closes under it; later sweeps see a long line and stop there.</summary>
    sealed class FailingOnce : ISettlementBacklog
    {
        int _calls;

        public TaskCompletionSource SecondSweep { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long?> QueuedMessagesAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
                throw new TaskCanceledException("A task was canceled.");
            SecondSweep.TrySetResult();
            return Task.FromResult<long?>(StuckSettlementSweeper.BacklogLimit + 1);
        }
    }
}
