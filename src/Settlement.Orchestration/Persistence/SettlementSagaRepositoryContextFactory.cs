using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// MassTransit's entry points into the settlement records. <see cref="Send{T}"/> and <see cref="SendQuery{T}"/> run the
/// whole consume of one message (lock and load, state machine, write) in one <see cref="SagaTransaction"/>, which the
/// write commits before they return, so the in-memory outbox, whose filter sits before the saga repository, sends only
/// committed outcomes. The hot path is Npgsql alone (<see cref="SagaStatements"/>).
/// <see cref="Execute{T}(Func{LoadSagaRepositoryContext{SettlementState}, Task{T}}, CancellationToken)"/> and its query
/// twin read without locks through EF Core, for <c>ILoadSagaRepository</c> / <c>IQuerySagaRepository</c> (the test
/// harness, tools).
/// </summary>
sealed class SettlementSagaRepositoryContextFactory(
    [FromKeyedServices(SettlementPersistenceRegistration.DataSourceKey)] NpgsqlDataSource dataSource,
    IDbContextFactory<SettlementDbContext> dbContextFactory,
    ISagaConsumeContextFactory<SagaTransaction, SettlementState> consumeContextFactory)
    : ISagaRepositoryContextFactory<SettlementState>,
        ILoadSagaRepositoryContextFactory<SettlementState>,
        IQuerySagaRepositoryContextFactory<SettlementState>
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<SettlementState, T>> next)
        where T : class =>
        InTransaction(context, transaction => next.Send(new SettlementSagaRepositoryContext<T>(transaction, context, consumeContextFactory)));

    /// <summary>For events correlated by a query rather than by trade id: each matching trade is then loaded (and locked) in turn.</summary>
    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<SettlementState> query, IPipe<SagaRepositoryQueryContext<SettlementState, T>> next)
        where T : class
    {
        List<Guid> tradeIds;
        await using (var db = await dbContextFactory.CreateDbContextAsync(context.CancellationToken))
            tradeIds = await db.Settlements.AsNoTracking().Where(query.FilterExpression).Select(x => x.CorrelationId).ToListAsync(context.CancellationToken);

        await InTransaction(context, transaction => next.Send(new DefaultSagaRepositoryQueryContext<SettlementState, T>(
            new SettlementSagaRepositoryContext<T>(transaction, context, consumeContextFactory), tradeIds)));
    }

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
    /// taken at the first statement, would not). The step's write commits; what is left uncommitted (nothing, for an
    /// answer for no trade or a repeat that changed nothing) commits at the end, and a failed step rolls back.
    /// </remarks>
    async Task InTransaction(ConsumeContext context, Func<SagaTransaction, Task> consume)
    {
        using var span = SettlementActivitySource.Source.StartActivity("saga transaction");
        await using var transaction = new SagaTransaction(await dataSource.OpenConnectionAsync(context.CancellationToken));
        await consume(transaction);
        await transaction.CompleteAsync(context.CancellationToken);
    }

    async Task<T> Read<T>(CancellationToken cancellationToken, Func<SettlementReadContext, Task<T>> read)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await read(new SettlementReadContext(db, cancellationToken));
    }
}
