using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// What the saga pipe does with settlement records while one message is consumed. Everything runs in the one
/// <see cref="SagaTransaction"/> that <see cref="SettlementSagaRepositoryContextFactory"/> opened for this message, so
/// nothing is visible to others before it commits; the write commits it (<see cref="Save"/>, <see cref="Update"/>).
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
    readonly SagaTransaction _transaction;
    readonly ConsumeContext<TMessage> _consumeContext;
    readonly ISagaConsumeContextFactory<SagaTransaction, SettlementState> _factory;

    public SettlementSagaRepositoryContext(SagaTransaction transaction, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SagaTransaction, SettlementState> factory)
        : base(consumeContext)
    {
        _transaction = transaction;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    // Each loaded instance's version, for the update's check, and its changeable values, to tell whether it changed.
    readonly Dictionary<Guid, (int Version, string Values)> _loaded = [];

    /// <summary>A new instance, written by <see cref="Save"/> once the state machine has run.</summary>
    public Task<SagaConsumeContext<SettlementState, TMessage>> Add(SettlementState instance) =>
        CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Add);

    /// <summary>
    /// Writes the instance before the state machine runs (InsertOnInitial, which the settlement saga does not use: its
    /// <see cref="Load"/> already orders two initiating messages of one trade); null when the trade has a row already. The
    /// insert commits with the step's update, or when the step ends.
    /// </summary>
    public async Task<SagaConsumeContext<SettlementState, TMessage>?> Insert(SettlementState instance)
    {
        if (await _transaction.LockTradeAndRowAsync(instance.CorrelationId, CancellationToken) is not null)
            return null; // MassTransit then calls Load.

        Stamp(instance);
        await _transaction.WriteAsync(SagaStatements.InsertCommand(instance), instance.CorrelationId, CancellationToken, commit: false);
        _loaded[instance.CorrelationId] = (instance.Version, SagaStatements.Changeable(instance));
        return await CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    /// <summary>The trade's row, locked until this message's transaction ends; null when there is none.</summary>
    /// <remarks>
    /// One round trip (with BEGIN) when the row exists, as for every step after the first. Only when there is no row yet
    /// does it take the trade's advisory lock and look again: a row not yet committed is invisible to the first look, and
    /// the advisory lock waits for the transaction inserting it.
    /// </remarks>
    public async Task<SagaConsumeContext<SettlementState, TMessage>?> Load(Guid correlationId)
    {
        var instance = await _transaction.LockRowAsync(correlationId, CancellationToken)
            ?? await _transaction.LockTradeAndRowAsync(correlationId, CancellationToken);
        if (instance is null)
            return null;

        _loaded[correlationId] = (instance.Version, SagaStatements.Changeable(instance));
        return await CreateSagaConsumeContext(_consumeContext, instance, SagaConsumeContextMode.Load);
    }

    /// <summary>Inserts the new instance and commits.</summary>
    public Task Save(SagaConsumeContext<SettlementState> context)
    {
        Stamp(context.Saga);
        return _transaction.WriteAsync(SagaStatements.InsertCommand(context.Saga), context.Saga.CorrelationId, CancellationToken);
    }

    static void Stamp(SettlementState instance)
    {
        instance.CreatedAt = instance.UpdatedAt = DateTimeOffset.UtcNow;
        instance.Version = 1;
    }

    /// <summary>
    /// Writes what the step changed, if the row is still the version loaded, and commits. A step that changed nothing (a
    /// late or repeated answer, ignored) writes nothing: the record keeps its update time and version.
    /// </summary>
    public Task Update(SagaConsumeContext<SettlementState> context)
    {
        var saga = context.Saga;
        var (version, values) = _loaded[saga.CorrelationId];
        if (SagaStatements.Changeable(saga) == values)
            return Task.CompletedTask;

        saga.UpdatedAt = DateTimeOffset.UtcNow;
        saga.Version = version + 1;
        return _transaction.WriteAsync(SagaStatements.UpdateCommand(saga, version), saga.CorrelationId, CancellationToken);
    }

    /// <summary>Called only for a saga marked completed (SetCompletedWhenFinalized), which settlement records never are.</summary>
    public Task Delete(SagaConsumeContext<SettlementState> context) =>
        throw new NotSupportedException("Settlement records are never deleted: the saga is not finalized as completed.");

    /// <summary>An added instance that completed at once: it was never written, so there is nothing to remove.</summary>
    public Task Discard(SagaConsumeContext<SettlementState> context) => Task.CompletedTask;

    /// <summary>A read-only policy's instance: nothing was written.</summary>
    public Task Undo(SagaConsumeContext<SettlementState> context) => Task.CompletedTask;

    public Task<SagaConsumeContext<SettlementState, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> context, SettlementState instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_transaction, context, instance, mode);
}
