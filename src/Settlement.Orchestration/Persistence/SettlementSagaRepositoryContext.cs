using System.Runtime.InteropServices;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// What the saga pipe does with settlement records while one message is consumed. Everything runs on one
/// <see cref="SettlementDbContext"/> inside the transaction that <see cref="SettlementSagaRepositoryContextFactory"/>
/// opened for this message, so nothing is visible to others before that transaction commits.
/// </summary>
/// <remarks>
/// A trade's row is read with <c>FOR UPDATE</c>: every message of one trade waits for the one before it. Where the
/// row does not exist yet, a transaction-scoped advisory lock on the trade id, which exists even when the row does not,
/// makes two initiating messages for one trade run one after the other, and the second one finds the row the first
/// one inserted. The version check on update catches any writer that takes neither lock.
/// </remarks>
sealed class SettlementSagaRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<SettlementState, TMessage>
    where TMessage : class
{
    // The two-key advisory lock space; keys made of two ints never collide with single bigint keys (the schema migrator's).
    const int TradeLockClass = 0x5E77;

    readonly SettlementDbContext _db;
    readonly ConsumeContext<TMessage> _consumeContext;
    readonly ISagaConsumeContextFactory<SettlementDbContext, SettlementState> _factory;

    public SettlementSagaRepositoryContext(SettlementDbContext db, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SettlementDbContext, SettlementState> factory)
        : base(consumeContext)
    {
        _db = db;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    /// <summary>A new instance, written by <see cref="Save"/> once the state machine has run.</summary>
    public Task<SagaConsumeContext<SettlementState, TMessage>> Add(SettlementState instance) =>
        CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Add);

    /// <summary>Writes the instance before the state machine runs (InsertOnInitial); null when the trade has a row already.</summary>
    public async Task<SagaConsumeContext<SettlementState, TMessage>?> Insert(SettlementState instance)
    {
        await LockTradeAsync(instance.CorrelationId);
        if (await _db.Settlements.AnyAsync(x => x.CorrelationId == instance.CorrelationId, CancellationToken))
            return null; // MassTransit then calls Load.

        _db.Settlements.Add(instance);
        await _db.SaveChangesAsync(CancellationToken);
        return await CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    /// <summary>The trade's row, locked until this message's transaction ends; null when there is none.</summary>
    /// <remarks>
    /// One statement when the row exists (every step after the first): its row lock is all a step needs. Only when there
    /// is no row yet does it take the trade's advisory lock and look again, so that two initiating messages for one trade
    /// run one after the other and the second finds the row the first inserted (a row not yet committed is invisible to
    /// the first look, and the advisory lock waits for its transaction).
    /// </remarks>
    public async Task<SagaConsumeContext<SettlementState, TMessage>?> Load(Guid correlationId)
    {
        var instance = await LockRowAsync(correlationId);
        if (instance is null)
        {
            await LockTradeAsync(correlationId);
            instance = await LockRowAsync(correlationId);
        }

        return instance is null
            ? null
            : await CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<SettlementState> context)
    {
        _db.Settlements.Add(context.Saga);
        return _db.SaveChangesAsync(CancellationToken);
    }

    public Task Update(SagaConsumeContext<SettlementState> context) => _db.SaveChangesAsync(CancellationToken);

    /// <summary>Called only for a saga marked completed (SetCompletedWhenFinalized), which settlement records never are.</summary>
    public Task Delete(SagaConsumeContext<SettlementState> context)
    {
        _db.Settlements.Remove(context.Saga);
        return _db.SaveChangesAsync(CancellationToken);
    }

    /// <summary>An added instance that completed at once: it was never written, so there is nothing to remove.</summary>
    public Task Discard(SagaConsumeContext<SettlementState> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<SettlementState> context)
    {
        _db.Entry(context.Saga).State = EntityState.Unchanged;
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<SettlementState, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> context, SettlementState instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, context, instance, mode);

    async Task<SettlementState?> LockRowAsync(Guid tradeId) =>
        (await _db.Settlements
            .FromSql($"SELECT * FROM settlement.settlements WHERE trade_id = {tradeId} FOR UPDATE")
            .ToListAsync(CancellationToken)).SingleOrDefault();

    Task LockTradeAsync(Guid tradeId) =>
        _db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({TradeLockClass}, {LockKey(tradeId)})", CancellationToken);

    /// <summary>All 16 bytes of the id folded into the int the lock takes: the same in every process (unlike GetHashCode).</summary>
    static int LockKey(Guid tradeId)
    {
        Span<int> words = stackalloc int[4];
        tradeId.TryWriteBytes(MemoryMarshal.AsBytes(words));
        return words[0] ^ words[1] ^ words[2] ^ words[3];
    }
}
