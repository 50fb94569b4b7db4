using MassTransit;
using Microsoft.Extensions.Logging;
using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

// The happy path: recording the trade, sending each leg, moving on, settling.
public sealed partial class SettlementStateMachine
{
    static void RecordTrade(SettlementState saga, TradeExecuted trade, Guid feeWalletUserId)
    {
        TradeValidation.TryParseSymbol(trade.Symbol, out var baseCurrency, out var quoteCurrency);
        // A valid symbol is at most 33 characters; an invalid one is kept (and logged) only as far as EchoedText bounds it.
        saga.Symbol = EchoedText.Of(trade.Symbol);
        saga.BaseCurrency = baseCurrency;
        saga.QuoteCurrency = quoteCurrency;
        saga.BuyerUserId = trade.BuyerUserId;
        saga.SellerUserId = trade.SellerUserId;
        saga.Price = TradeValidation.Storable(trade.Price);
        saga.Quantity = TradeValidation.Storable(trade.Quantity);
        saga.BuyerFee = TradeValidation.Storable(trade.BuyerFee);
        saga.SellerFee = TradeValidation.Storable(trade.SellerFee);
        saga.IsBuyerMaker = trade.IsBuyerMaker;
        saga.ExecutedAt = trade.ExecutedAt.ToUniversalTime();
        saga.FeeWalletUserId = feeWalletUserId;
        saga.SettlementStatus = SettlementStatus.Pending;
    }

    async Task RejectInvalidTrade(BehaviorContext<SettlementState, TradeExecuted> context)
    {
        var problem = TradeValidation.Problem(context.Message)!;
        context.Saga.FailureReason = $"Invalid trade: {problem}";
        LogFailure(context.Saga, step: "Validation", problem);
        await Fail(context, Rejected);
    }

    /// <summary>Sends the command of the first leg after <paramref name="completed"/> that moves money, or settles.</summary>
    async Task SendNextLeg(BehaviorContext<SettlementState> context, SettlementLeg? completed)
    {
        var next = SettlementPlan.NextLeg(context.Saga, completed);
        if (next is null)
        {
            // Nothing left to move: a trade without fees has no fee leg.
            context.Saga.FeeCollected = true;
            await Settle(context);
            return;
        }

        context.Saga.PendingLeg = next.ToString();
        await SendToWallet(context, SettlementPlan.Leg(context.Saga, next.Value).ToCommand(context.Saga.CorrelationId));
        await context.TransitionToState(StateAwaiting(next.Value));
    }

    async Task OnLegApplied(BehaviorContext<SettlementState> context, Guid operationId, int retryAttempts)
    {
        var saga = context.Saga;
        if (Pending(saga) is not { } leg)
            return;

        if (operationId == OperationIds.For(saga.CorrelationId, leg))
        {
            saga.SettlementRetryCount += retryAttempts;
            saga.CompletedLegs.Add(leg.ToString());
            _logger.LogDebug("Trade {TradeId}: {Step} applied", saga.CorrelationId, leg);

            if (leg == SettlementLeg.FeeCollection)
            {
                saga.FeeCollected = true;
                await context.TransitionToState(FeesCollected);
                await Settle(context);
            }
            else
            {
                await SendNextLeg(context, leg);
            }
        }
        else if (IsAnswerToLastCompletedLeg(saga, operationId) && MayFollowALostSend(context))
        {
            // The previous step's answer delivered again: this process (or another) may have committed that step and died
            // before sending the current command. Sending it again is safe: the wallet applies an operation id once.
            _logger.LogInformation("Trade {TradeId}: repeated answer for the previous step, sending {Step} again", saga.CorrelationId, leg);
            await SendToWallet(context, SettlementPlan.AwaitedCommand(saga, leg));
        }
    }

    async Task OnLegRejected(BehaviorContext<SettlementState, WalletOperationRejected> context)
    {
        var saga = context.Saga;
        var rejection = context.Message;
        if (Pending(saga) is not { } leg || rejection.OperationId != OperationIds.For(saga.CorrelationId, leg))
            return;

        saga.SettlementRetryCount += rejection.RetryAttempts;
        if (leg == SettlementLeg.FeeCollection)
        {
            await SettleWithoutFee(context, $"{rejection.Code}: {rejection.Message}");
            return;
        }

        saga.FailureReason = $"{leg} refused: {rejection.Code}: {rejection.Message}";
        LogFailure(saga, leg.ToString(), $"{rejection.Code}: {rejection.Message}");
        await Compensate(context);
    }

    /// <summary>A command still failed after its retries and is in the error queue: wait for an operator.</summary>
    async Task OnCommandFaulted<T>(BehaviorContext<SettlementState> context, Guid operationId, Fault<T> fault)
    {
        var saga = context.Saga;
        if (!IsAwaited(saga, operationId))
            return;

        saga.SettlementRetryCount += _options.RetryLimit;
        var error = fault.Exceptions.FirstOrDefault()?.Message ?? "unknown error";
        var leg = Pending(saga)!.Value;

        if (leg == SettlementLeg.FeeCollection && saga.CurrentState != Compensating.Name)
        {
            await SettleWithoutFee(context, $"failed after {_options.RetryLimit} retries: {error}; its command is in the dead-letter queue");
            return;
        }

        var reason = $"{leg} failed after {_options.RetryLimit} retries: {error}; waiting for the dead letter to be replayed";
        saga.FailureReason = saga.CurrentState == Compensating.Name ? $"{saga.FailureReason}; reversal of {reason}" : reason;
        saga.SettlementStatus = SettlementStatus.Failed;
        saga.SuspendedFrom = saga.CurrentState;
        LogFailure(saga, leg.ToString(), reason);
        await context.TransitionToState(Suspended);
    }

    /// <summary>The awaited answer arrived while suspended: go back to where the trade stopped and handle it there.</summary>
    async Task Resume<T>(BehaviorContext<SettlementState, T> context)
        where T : class
    {
        var saga = context.Saga;
        var from = GetState(saga.SuspendedFrom!);
        _logger.LogInformation("Trade {TradeId}: resuming in {State} after {Event}", saga.CorrelationId, from.Name, context.Event.Name);

        saga.SuspendedFrom = null;
        if (from != Compensating)
        {
            saga.SettlementStatus = SettlementStatus.Pending;
            saga.FailureReason = null;
        }

        await context.TransitionToState(from);
        await context.Raise(context.Event, context.Message);
    }

    /// <summary>
    /// A TradeExecuted for a trade already recorded changes nothing, but when it is the same delivery again (its process died
    /// or lost its channel after committing the first step, perhaps before sending the first command) while the trade waits
    /// for a wallet answer, the awaited command is sent again: the wallet applies an operation id once.
    /// </summary>
    async Task OnTradeExecutedAgain(BehaviorContext<SettlementState, TradeExecuted> context)
    {
        var saga = context.Saga;
        if (MayFollowALostSend(context) && WaitingStates.Contains(saga.CurrentState) && Pending(saga) is { } leg)
        {
            _logger.LogInformation("Trade {TradeId}: TradeExecuted delivered again while {State}, sending {Step} again",
                saga.CorrelationId, saga.CurrentState, leg);
            await SendToWallet(context, SettlementPlan.AwaitedCommand(saga, leg));
            return;
        }

        _logger.LogWarning("Duplicate TradeExecuted for {TradeId} ignored: the trade is already {State}", saga.CorrelationId, saga.CurrentState);
    }

    /// <summary>The sweeper found the trade waiting past the step timeout: send the awaited command again.</summary>
    async Task ResendPendingCommand(BehaviorContext<SettlementState> context)
    {
        var saga = context.Saga;
        if (Pending(saga) is not { } leg)
            return;

        _logger.LogWarning("Trade {TradeId} waited past the step timeout in {State}: sending {Command} of {Step} again",
            saga.CorrelationId, saga.CurrentState, SettlementPlan.IsCompensating(saga) ? "the reversal" : "the command", leg);
        saga.UpdatedAt = DateTimeOffset.UtcNow;
        await SendToWallet(context, SettlementPlan.AwaitedCommand(saga, leg));
    }

    async Task SettleWithoutFee(BehaviorContext<SettlementState> context, string reason)
    {
        var saga = context.Saga;
        saga.FeeCollected = false;
        _logger.LogWarning(
            "Trade {TradeId} settles without its fee: fee collection of {Fee} {Currency} for {FeeWalletUserId} {Reason}",
            saga.CorrelationId, saga.BuyerFee + saga.SellerFee, saga.QuoteCurrency, saga.FeeWalletUserId, reason);
        await Settle(context);
    }

    async Task Settle(BehaviorContext<SettlementState> context)
    {
        var saga = context.Saga;
        saga.PendingLeg = null;
        saga.SettlementStatus = SettlementStatus.Settled;
        saga.SettledAt = DateTimeOffset.UtcNow;
        await context.TransitionToState(Settled);
        await context.Publish(new TradeSettled { TradeId = saga.CorrelationId, SettledAt = saga.SettledAt.Value, FeeCollected = saga.FeeCollected });
        _logger.LogInformation("Trade {TradeId} settled ({Symbol}, fee collected: {FeeCollected})", saga.CorrelationId, saga.Symbol, saga.FeeCollected);
    }

    void MarkFeeCollected(SettlementState saga, int retryAttempts)
    {
        saga.FeeCollected = true;
        saga.SettlementRetryCount += retryAttempts;
        saga.CompletedLegs.Add(nameof(SettlementLeg.FeeCollection));
        _logger.LogInformation("Trade {TradeId}: fee collected after settlement", saga.CorrelationId);
    }

    State StateAwaiting(SettlementLeg leg) => leg switch
    {
        SettlementLeg.BuyerDebit => Accepted,
        SettlementLeg.BuyerCredit => BuyerDebited,
        SettlementLeg.SellerDebit => BuyerCredited,
        SettlementLeg.SellerCredit => SellerDebited,
        _ => SellerCredited,
    };

    static SettlementLeg? Pending(SettlementState saga) =>
        Enum.TryParse<SettlementLeg>(saga.PendingLeg, out var leg) ? leg : null;

    static Guid FeeOperationId(SettlementState saga) => OperationIds.For(saga.CorrelationId, SettlementLeg.FeeCollection);

    static bool IsAnswerToLastCompletedLeg(SettlementState saga, Guid operationId) =>
        saga.CompletedLegs.Count > 0
        && operationId == OperationIds.For(saga.CorrelationId, Enum.Parse<SettlementLeg>(saga.CompletedLegs[^1]));

    static bool IsAwaited(SettlementState saga, Guid operationId) => SettlementPlan.AwaitedOperation(saga) == operationId;

    async Task SendToWallet(BehaviorContext<SettlementState> context, object command)
    {
        // exchange:, not queue: MassTransit would declare the queue of a queue: address as a classic queue, which RabbitMQ
        // refuses when it is a quorum queue (RabbitMq:QueueType). The wallet's endpoint declares its queue and binds it to
        // the exchange of the same name; the reply address below is an exchange too.
        var endpoint = await context.GetSendEndpoint(new Uri($"exchange:{_options.WalletQueue}"));
        // Answers go to the saga's reply endpoint, a sibling queue of the one this message came from.
        var replyTo = new Uri(context.ReceiveContext.InputAddress, _options.ReplyQueueName);
        await endpoint.Send(command, Pipe.Execute<SendContext>(send =>
        {
            send.ResponseAddress = replyTo;
            send.FaultAddress = replyTo;
        }));
    }

    void LogFailure(SettlementState saga, string step, string error) =>
        _logger.LogError(
            "Settlement of trade {TradeId} failed at {Step}: {Error} (buyer {BuyerUserId}, seller {SellerUserId}, {Symbol}, retries {RetryCount})",
            saga.CorrelationId, step, error, saga.BuyerUserId, saga.SellerUserId, saga.Symbol, saga.SettlementRetryCount);

    /// <summary>
    /// Whether an answer the saga has already acted on may come from a handling whose next command was lost. The broker
    /// delivers an answer again (Redelivered) when the process that handled it died or lost its connection before
    /// acknowledging it, possibly after committing the step and before sending the next command; a retry of the same
    /// delivery means the handling failed, possibly after the commit. A fresh duplicate answer (the wallet answered a
    /// resent or redelivered command twice) follows no lost send: acting on it would send a duplicate command, whose
    /// second answer would do the same at the next step, doubling the work of every remaining leg.
    /// </summary>
    static bool MayFollowALostSend(ConsumeContext context) => context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0;
}
