using Npgsql;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// The one READ COMMITTED transaction in which a saga step reads, locks and writes its trade's record, on one pooled
/// connection. <c>BEGIN</c> goes with the first locking read and <c>COMMIT</c> with the step's write, so a step that finds
/// its row takes two round trips. A step that wrote nothing, or whose write was an insert before the state machine ran,
/// commits at <see cref="CompleteAsync"/>; one that failed rolls back. Not thread-safe: one message's consume uses it, one
/// statement at a time.
/// </summary>
sealed class SagaTransaction(NpgsqlConnection connection) : IAsyncDisposable
{
    bool _begun;
    bool _ended;

    /// <summary>The trade's record, locked until the transaction ends; null when there is none.</summary>
    public Task<SettlementState?> LockRowAsync(Guid tradeId, CancellationToken cancellationToken) =>
        ReadAsync([SagaStatements.LockRowCommand(tradeId)], cancellationToken);

    /// <summary>
    /// Takes the trade's advisory lock, which exists when its row does not, then reads and locks the row: two initiating
    /// messages of one trade run one after the other, and the second finds the row the first inserted.
    /// </summary>
    public Task<SettlementState?> LockTradeAndRowAsync(Guid tradeId, CancellationToken cancellationToken) =>
        ReadAsync([SagaStatements.LockTradeCommand(tradeId), SagaStatements.LockRowCommand(tradeId)], cancellationToken);

    /// <summary>
    /// Writes the record, and commits in the same round trip unless <paramref name="commit"/> is false. Throws
    /// <see cref="SagaVersionConflictException"/> when the write touched no row (the record changed under a writer that
    /// took no lock); nothing of this step is then kept.
    /// </summary>
    public async Task WriteAsync(NpgsqlBatchCommand write, Guid tradeId, CancellationToken cancellationToken, bool commit = true)
    {
        await using var batch = Batch(commit ? [write, new NpgsqlBatchCommand(SagaStatements.Commit)] : [write]);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (write.RecordsAffected != 1)
            throw new SagaVersionConflictException(tradeId);
        if (commit)
            _ended = true;
    }

    /// <summary>Commits what the step has not committed yet (nothing, or an insert made before the state machine ran).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (!_begun || _ended)
            return;
        await using var commit = new NpgsqlCommand(SagaStatements.Commit, connection);
        await commit.ExecuteNonQueryAsync(cancellationToken);
        _ended = true;
    }

    /// <summary>Rolls back a transaction that did not complete (the step failed), and returns the connection to its pool.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_begun && !_ended && connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand(SagaStatements.Rollback, connection);
                await rollback.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // A broken connection: the server rolled the transaction back when it lost it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    async Task<SettlementState?> ReadAsync(NpgsqlBatchCommand[] commands, CancellationToken cancellationToken)
    {
        await using var batch = Batch(commands);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // The row's result is the one with the record's columns; BEGIN's and the advisory lock's are passed over.
        while (reader.FieldCount != SagaStatements.ColumnCount)
        {
            if (!await reader.NextResultAsync(cancellationToken))
                throw new InvalidOperationException("The locking read returned no result with the settlement record's columns.");
        }

        return await reader.ReadAsync(cancellationToken) ? SagaStatements.Read(reader) : null;
    }

    NpgsqlBatch Batch(IEnumerable<NpgsqlBatchCommand> commands)
    {
        var batch = new NpgsqlBatch(connection);
        if (!_begun)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SagaStatements.Begin));
            _begun = true;
        }

        foreach (var command in commands)
            batch.BatchCommands.Add(command);
        return batch;
    }
}

/// <summary>A settlement record changed between this step's read and its write: the step is retried from the start.</summary>
public sealed class SagaVersionConflictException(Guid tradeId)
    : Exception($"The settlement record of trade {tradeId} changed while the step ran: nothing was written, the message is retried.");
