using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// Applies the wallet's commands in batches that form by themselves. Each command type has a lane that runs up to
/// <see cref="WalletOptions.BatchConcurrencyLimit"/> transactions at once; a command that finds a transaction free starts
/// one at once, alone, and the commands that arrive while every transaction is busy wait for the next one to finish, which
/// takes all of them (up to <see cref="WalletOptions.BatchMessageLimit"/>) into one transaction. No timer: at low load a
/// command waits for nothing, under load a batch holds what queued during one commit.
/// <para>
/// Each command is still consumed, retried and answered on its own: its consumer awaits its outcome. A fault of the
/// batch's transaction is every member's fault, and each retries on its own (into a later batch); the operation ids make a
/// retry of a batch that did commit give the stored outcomes. Thread-safe: one instance serves the endpoint.
/// </para>
/// </summary>
public sealed class CommandBatches
{
    readonly Lane _deposits;
    readonly Lane _debits;
    readonly Lane _credits;
    readonly Lane _reversals;

    public CommandBatches(WalletLedger ledger, IOptions<WalletOptions> options, ILogger<CommandBatches> logger)
    {
        Lane For(string command) => new(command, ledger, options.Value, logger);
        _deposits = For(nameof(DepositFunds));
        _debits = For(nameof(DebitBalance));
        _credits = For(nameof(CreditBalance));
        _reversals = For(nameof(ReverseOperation));
    }

    public Task<WalletOutcome> ApplyAsync(DepositFunds deposit, CancellationToken cancellationToken) =>
        _deposits.ApplyAsync(WalletLedger.Request(deposit), cancellationToken);

    public Task<WalletOutcome> ApplyAsync(DebitBalance debit, CancellationToken cancellationToken) =>
        _debits.ApplyAsync(WalletLedger.Request(debit), cancellationToken);

    public Task<WalletOutcome> ApplyAsync(CreditBalance credit, CancellationToken cancellationToken) =>
        _credits.ApplyAsync(WalletLedger.Request(credit), cancellationToken);

    public Task<WalletOutcome> ApplyAsync(ReverseOperation reversal, CancellationToken cancellationToken) =>
        _reversals.ApplyAsync(WalletLedger.Request(reversal), cancellationToken);

    /// <summary>The commands of one type waiting for a transaction, and the transactions running.</summary>
    sealed class Lane(string command, WalletLedger ledger, WalletOptions options, ILogger logger)
    {
        readonly Lock _gate = new();
        readonly Queue<Waiting> _waiting = new();
        int _running;

        public Task<WalletOutcome> ApplyAsync(OperationRecord request, CancellationToken cancellationToken)
        {
            // The consumer's span: the first member's is the batch span's parent, the others' are its links.
            var waiting = new Waiting(request, Activity.Current?.Context, new TaskCompletionSource<WalletOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
            bool start;
            lock (_gate)
            {
                _waiting.Enqueue(waiting);
                start = _running < options.BatchConcurrencyLimit;
                if (start)
                    _running++;
            }

            if (start)
                _ = RunAsync();

            // A consumer stopped (the bus stopping) stops waiting; its batch goes on, and its message is delivered again.
            return waiting.Outcome.Task.WaitAsync(cancellationToken);
        }

        /// <summary>One transaction after another while commands wait; then it gives its place back.</summary>
        async Task RunAsync()
        {
            // The batches of this runner belong to no message's trace: each has the first member's as its parent.
            Activity.Current = null;
            while (true)
            {
                List<Waiting> batch;
                lock (_gate)
                {
                    if (_waiting.Count == 0)
                    {
                        _running--;
                        return;
                    }

                    batch = new List<Waiting>(Math.Min(_waiting.Count, options.BatchMessageLimit));
                    while (batch.Count < options.BatchMessageLimit && _waiting.TryDequeue(out var next))
                        batch.Add(next);
                }

                await ApplyAsync(batch);
            }
        }

        async Task ApplyAsync(List<Waiting> batch)
        {
            try
            {
                var fault = InjectedFaults.Roll(options.InjectedFaultRate);
                fault.ThrowIf(InjectedFault.BeforeApply);
                var outcomes = await ledger.ApplyAsync([.. batch.Select(w => w.Request)],
                    batch[0].Consumer ?? default, [.. batch.Skip(1).Where(w => w.Consumer is not null).Select(w => new ActivityLink(w.Consumer!.Value))],
                    CancellationToken.None);
                fault.ThrowIf(InjectedFault.AfterCommit);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Outcome.TrySetResult(outcomes[i]);
            }
            catch (Exception exception)
            {
                if (TransientFaults.IsTransient(exception))
                    logger.LogWarning(exception, "Transient fault on a batch of {Count} {Command}: each is retried, or moved to the error queue",
                        batch.Count, command);
                foreach (var waiting in batch)
                    waiting.Outcome.TrySetException(exception);
            }
        }
    }

    sealed record Waiting(OperationRecord Request, ActivityContext? Consumer, TaskCompletionSource<WalletOutcome> Outcome);
}
