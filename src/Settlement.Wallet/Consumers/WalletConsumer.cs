using MassTransit;
using Microsoft.Extensions.Logging;
using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// Answers the wallet's commands on the <c>wallet</c> endpoint with <see cref="ConsumeContext.RespondAsync{T}(T)"/>.
/// A refusal is an answer (<see cref="WalletOperationRejected"/>); a fault is an exception, which the endpoint's retry
/// policy (<see cref="WalletConsumerDefinition"/>) retries when it is transient. Every answer carries the number of
/// retries its delivery took.
/// </summary>
public sealed class WalletConsumer(WalletLedger ledger, ILogger<WalletConsumer> logger) :
    IConsumer<DepositFunds>,
    IConsumer<DebitBalance>,
    IConsumer<CreditBalance>,
    IConsumer<ReverseOperation>,
    IConsumer<GetBalance>
{
    public Task Consume(ConsumeContext<DepositFunds> context) =>
        AnswerAsync(context, context.Message.OperationId, ledger.DepositAsync, (outcome, _) => new FundsDeposited
        {
            OperationId = outcome.OperationId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
        });

    public Task Consume(ConsumeContext<DebitBalance> context) =>
        AnswerAsync(context, context.Message.OperationId, ledger.DebitAsync, (outcome, retries) => new BalanceDebited
        {
            OperationId = outcome.OperationId,
            TradeId = context.Message.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = -outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<CreditBalance> context) =>
        AnswerAsync(context, context.Message.OperationId, ledger.CreditAsync, (outcome, retries) => new BalanceCredited
        {
            OperationId = outcome.OperationId,
            TradeId = context.Message.TradeId,
            UserId = outcome.UserId,
            Currency = outcome.Currency,
            Amount = outcome.Change,
            BalanceAfter = outcome.BalanceAfter,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<ReverseOperation> context) =>
        AnswerAsync(context, context.Message.OperationId, ledger.ReverseAsync, (outcome, retries) => new OperationReversed
        {
            OperationId = outcome.OperationId,
            OriginalOperationId = context.Message.OriginalOperationId,
            TradeId = context.Message.TradeId,
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
        ConsumeContext<TCommand> context,
        Guid operationId,
        Func<TCommand, CancellationToken, Task<WalletOutcome>> operate,
        Func<WalletOutcome, int, TApplied> applied)
        where TCommand : class
        where TApplied : class
    {
        var retries = context.GetRetryAttempt();
        if (retries > 0)
            logger.LogInformation("Wallet retries {Command} {OperationId}: attempt {RetryAttempt}", typeof(TCommand).Name, operationId, retries);

        WalletOutcome outcome;
        try
        {
            outcome = await operate(context.Message, context.CancellationToken);
        }
        catch (Exception exception) when (TransientFaults.IsTransient(exception))
        {
            logger.LogWarning(exception, "Transient fault on {Command} {OperationId} (retry {RetryAttempt}); it is retried or moved to the error queue",
                typeof(TCommand).Name, operationId, retries);
            throw;
        }

        if (outcome.IsApplied)
            await context.RespondAsync(applied(outcome, retries));
        else
            await context.RespondAsync(new WalletOperationRejected
            {
                OperationId = outcome.OperationId,
                TradeId = outcome.TradeId,
                Code = outcome.Error!.Value,
                Message = outcome.Message,
                RetryAttempts = retries,
            });
    }
}
