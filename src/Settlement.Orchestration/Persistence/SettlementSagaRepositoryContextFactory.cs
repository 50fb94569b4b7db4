using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// MassTransit's entry points into the settlement records. <see cref="Send{T}"/> and <see cref="SendQuery{T}"/> run the
/// whole consume of one message (lock and load, state machine, save) in one database transaction and commit it before
/// they return, so the in-memory outbox, whose filter sits before the saga repository, sends only committed outcomes.
/// <see cref="Execute{T}(Func{LoadSagaRepositoryContext{SettlementState}, Task{T}}, CancellationToken)"/> and its query
/// twin read without locks, for <c>ILoadSagaRepository</c> / <c>IQuerySagaRepository</c> (the test harness, tools).
/// </summary>
sealed class SettlementSagaRepositoryContextFactory(
    IDbContextFactory<SettlementDbContext> dbContextFactory,
    ISagaConsumeContextFactory<SettlementDbContext, SettlementState> consumeContextFactory)
    : ISagaRepositoryContextFactory<SettlementState>,
        ILoadSagaRepositoryContextFactory<SettlementState>,
        IQuerySagaRepositoryContextFactory<SettlementState>
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<SettlementState, T>> next)
        where T : class =>
        InTransaction(context, db => next.Send(new SettlementSagaRepositoryContext<T>(db, context, consumeContextFactory)));

    /// <summary>For events correlated by a query rather than by trade id: each matching trade is then loaded (and locked) in turn.</summary>
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<SettlementState> query, IPipe<SagaRepositoryQueryContext<SettlementState, T>> next)
        where T : class =>
        InTransaction(context, async db =>
        {
            var tradeIds = await db.Settlements.Where(query.FilterExpression).Select(x => x.CorrelationId).ToListAsync(context.CancellationToken);
            var repositoryContext = new SettlementSagaRepositoryContext<T>(db, context, consumeContextFactory);
            await next.Send(new DefaultSagaRepositoryQueryContext<SettlementState, T>(repositoryContext, tradeIds));
        });

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<SettlementState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        Read(cancellationToken, asyncMethod);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<SettlementState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        Read(cancellationToken, asyncMethod);

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");

    /// <remarks>
    /// Read committed, deliberately: each statement sees what committed before it started, so the row lock read that follows
    /// a wait on the trade's advisory lock sees the row the previous holder inserted or changed (a repeatable-read snapshot,
    /// taken at the first statement, would not).
    /// </remarks>
    async Task InTransaction(ConsumeContext context, Func<SettlementDbContext, Task> consume)
    {
        using var span = SettlementActivitySource.Source.StartActivity("saga transaction");
        await using var db = await dbContextFactory.CreateDbContextAsync(context.CancellationToken);
        // The whole message is one transaction already: no savepoint around each SaveChanges (two statements a step).
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken);

        await consume(db);

        using (SettlementActivitySource.Source.StartActivity("saga commit"))
            await transaction.CommitAsync(context.CancellationToken);
    }

    async Task<T> Read<T>(CancellationToken cancellationToken, Func<SettlementReadContext, Task<T>> read)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await read(new SettlementReadContext(db, cancellationToken));
    }
}
