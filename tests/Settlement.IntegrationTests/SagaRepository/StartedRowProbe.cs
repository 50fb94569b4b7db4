using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration;

namespace Settlement.IntegrationTests.SagaRepository;

/// <summary>
/// What a consumer of <see cref="TestSettlementStarted"/> finds in the database when the event reaches it: the state
/// of the trade's committed row, or null when the row is not (yet) visible to others.
/// </summary>
sealed class StartedRowProbe
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<string?>> _waiting = new();

    public Task<string?> StateSeenBy(Guid tradeId) => Waiter(tradeId).Task;

    TaskCompletionSource<string?> Waiter(Guid tradeId) =>
        _waiting.GetOrAdd(tradeId, _ => new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Record(Guid tradeId, string? state) => Waiter(tradeId).TrySetResult(state);
}

sealed class StartedRowProbeConsumer(IDbContextFactory<SettlementDbContext> dbContextFactory, StartedRowProbe probe)
    : IConsumer<TestSettlementStarted>
{
    public async Task Consume(ConsumeContext<TestSettlementStarted> context)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(context.CancellationToken);
        var state = await db.Settlements.Where(x => x.CorrelationId == context.Message.TradeId)
            .Select(x => x.CurrentState)
            .SingleOrDefaultAsync(context.CancellationToken);
        probe.Record(context.Message.TradeId, state);
    }
}
