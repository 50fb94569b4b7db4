using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// Answers the wallet's commands on the <c>wallet</c> endpoint. Debits, credits, deposits and reversals arrive in
/// batches (<see cref="WalletConsumerDefinition"/>), each applied in one transaction by <see cref="WalletLedger"/>; once
/// it committed, each command is answered on its own with <see cref="ConsumeContext.RespondAsync{T}(T)"/>. A refusal is
/// an answer (<see cref="WalletOperationRejected"/>) and never touches the other commands of the batch; a fault is an
/// exception that fails the whole batch, retried when it is transient. Every answer carries the number of retries its
/// batch took.
/// </summary>
public sealed class WalletConsumer(WalletLedger ledger, IOptions<WalletOptions> options, ILogger<WalletConsumer> logger) :
    IConsumer<Batch<DepositFunds>>,
    IConsumer<Batch<DebitBalance>>,
    IConsumer<Batch<CreditBalance>>,
    IConsumer<Batch<ReverseOperation>>,
    IConsumer<GetBalance>
{
    public Task Consume(ConsumeContext<Batch<DepositFunds>> context) =>
        AnswerAsync(context, ledger.ApplyAsync, (_, outcome, _) => new FundsDeposited
        {
            OperationId = outcome.OperationId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
        });

    public Task Consume(ConsumeContext<Batch<DebitBalance>> context) =>
        AnswerAsync(context, ledger.ApplyAsync, (debit, outcome, retries) => new BalanceDebited
        {
            OperationId = outcome.OperationId,
            TradeId = debit.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = -outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<Batch<CreditBalance>> context) =>
        AnswerAsync(context, ledger.ApplyAsync, (credit, outcome, retries) => new BalanceCredited
        {
            OperationId = outcome.OperationId,
            TradeId = credit.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<Batch<ReverseOperation>> context) =>
        AnswerAsync(context, ledger.ApplyAsync, (reversal, outcome, retries) => new OperationReversed
        {
            OperationId = outcome.OperationId,
            OriginalOperationId = reversal.OriginalOperationId,
            TradeId = reversal.TradeId,
            Amount = outcome.Change,
            RetryAttempts = retries,
        });

    public async Task Consume(ConsumeContext<GetBalance> context)
    {
        var account = await ledger.GetBalanceAsync(context.Message.UserId, context.Message.Currency, context.CancellationToken);
        await context.RespondAsync(new BalanceReported
        {
            UserId = context.Message.UserId,
            Currency = context.Message.Currency,
            Available = account?.Available ?? 0m,
            AccountExists = account is not null,
        });
    }

    async Task AnswerAsync<TCommand, TApplied>(
        ConsumeContext<Batch<TCommand>> context,
        Func<IReadOnlyList<TCommand>, CancellationToken, Task<IReadOnlyList<WalletOutcome>>> apply,
        Func<TCommand, WalletOutcome, int, TApplied> applied)
        where TCommand : class
        where TApplied : class
    {
        var retries = context.GetRetryAttempt();
        var batch = context.Message;
        if (retries > 0)
            logger.LogInformation("Wallet retries a batch of {Count} {Command}: attempt {RetryAttempt}", batch.Length, typeof(TCommand).Name, retries);

        var fault = InjectedFaults.Roll(options.Value.InjectedFaultRate);
        fault.ThrowIf(InjectedFault.BeforeApply);
        IReadOnlyList<WalletOutcome> outcomes;
        try
        {
            outcomes = await apply([.. batch.Select(message => message.Message)], context.CancellationToken);
        }
        catch (Exception exception) when (TransientFaults.IsTransient(exception))
        {
            logger.LogWarning(exception,
                "Transient fault on a batch of {Count} {Command} (retry {RetryAttempt}); it is retried or each command moved to the error queue",
                batch.Length, typeof(TCommand).Name, retries);
            throw;
        }

        fault.ThrowIf(InjectedFault.AfterCommit);
        await Task.WhenAll(batch.Select((message, i) => outcomes[i].IsApplied
            ? message.RespondAsync(applied(message.Message, outcomes[i], retries))
            : message.RespondAsync(new WalletOperationRejected
            {
                OperationId = outcomes[i].OperationId,
                TradeId = outcomes[i].TradeId,
                Code = outcomes[i].Error!.Value,
                Message = outcomes[i].Message,
                RetryAttempts = retries,
            })));
    }
}
