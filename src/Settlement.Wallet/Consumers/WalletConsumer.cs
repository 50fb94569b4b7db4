using MassTransit;
using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// Answers the wallet's commands on the <c>wallet</c> endpoint, each on its own: debits, credits, deposits and reversals
/// are applied by <see cref="CommandBatches"/>, which puts the commands that arrive together into one transaction, and
/// each is answered with <see cref="ConsumeContext.RespondAsync{T}(T)"/> once its transaction committed. A refusal is an
/// answer (<see cref="WalletOperationRejected"/>); a fault is an exception, retried when it is transient
/// (<see cref="WalletConsumerDefinition"/>). Every answer carries the retries its command took.
/// </summary>
public sealed class WalletConsumer(CommandBatches batches, WalletLedger ledger) :
    IConsumer<DepositFunds>,
    IConsumer<DebitBalance>,
    IConsumer<CreditBalance>,
    IConsumer<ReverseOperation>,
    IConsumer<GetBalance>
{
    public async Task Consume(ConsumeContext<DepositFunds> context)
    {
        var outcome = await batches.ApplyAsync(context.Message, context.CancellationToken);
        await AnswerAsync(context, outcome, () => new FundsDeposited
        {
            OperationId = outcome.OperationId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
        });
    }

    public async Task Consume(ConsumeContext<DebitBalance> context)
    {
        var outcome = await batches.ApplyAsync(context.Message, context.CancellationToken);
        await AnswerAsync(context, outcome, () => new BalanceDebited
        {
            OperationId = outcome.OperationId,
            TradeId = context.Message.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = -outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = context.GetRetryAttempt(),
        });
    }

    public async Task Consume(ConsumeContext<CreditBalance> context)
    {
        var outcome = await batches.ApplyAsync(context.Message, context.CancellationToken);
        await AnswerAsync(context, outcome, () => new BalanceCredited
        {
            OperationId = outcome.OperationId,
            TradeId = context.Message.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = context.GetRetryAttempt(),
        });
    }

    public async Task Consume(ConsumeContext<ReverseOperation> context)
    {
        var outcome = await batches.ApplyAsync(context.Message, context.CancellationToken);
        await AnswerAsync(context, outcome, () => new OperationReversed
        {
            OperationId = outcome.OperationId,
            OriginalOperationId = context.Message.OriginalOperationId,
            TradeId = context.Message.TradeId,
            Amount = outcome.Change,
            RetryAttempts = context.GetRetryAttempt(),
        });
    }

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

    static Task AnswerAsync<TApplied>(ConsumeContext context, WalletOutcome outcome, Func<TApplied> applied)
        where TApplied : class =>
        outcome.IsApplied
            ? context.RespondAsync(applied())
            : context.RespondAsync(new WalletOperationRejected
            {
                OperationId = outcome.OperationId,
                TradeId = outcome.TradeId,
                Code = outcome.Error!.Value,
                Message = outcome.Message,
                RetryAttempts = context.GetRetryAttempt(),
            });
}
