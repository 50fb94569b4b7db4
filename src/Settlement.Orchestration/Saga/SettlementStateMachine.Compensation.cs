using MassTransit;
using Microsoft.Extensions.Logging;
using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

// The compensation path: reverse the applied legs, last first, then end the trade SETTLEMENT_FAILED.
public sealed partial class SettlementStateMachine
{
    /// <summary>Sends the reversal of the last applied leg not yet reversed, or ends the trade rolled back.</summary>
    async Task Compensate(BehaviorContext<SettlementState> context)
    {
        var saga = context.Saga;
        var toReverse = saga.CompletedLegs.Except(saga.ReversedLegs).LastOrDefault();
        if (toReverse is null)
        {
            saga.PendingLeg = null;
            saga.FailureReason += saga.ReversedLegs.Count == 0
                ? "; nothing to roll back"
                : $"; rolled back {string.Join(", ", saga.ReversedLegs)}";
            await Fail(context, RolledBack);
            return;
        }

        saga.PendingLeg = toReverse;
        await SendToWallet(context, SettlementPlan.ReversalOf(saga, Enum.Parse<SettlementLeg>(toReverse)));
        if (saga.CurrentState != Compensating.Name)
            await context.TransitionToState(Compensating);
    }

    async Task OnLegReversed(BehaviorContext<SettlementState, OperationReversed> context)
    {
        var saga = context.Saga;
        if (Pending(saga) is not { } leg)
            return;

        if (context.Message.OperationId == OperationIds.ReversalOf(saga.CorrelationId, leg))
        {
            saga.SettlementRetryCount += context.Message.RetryAttempts;

            // After an abort the pending leg is reversed too; a non-zero answer means it was applied after all.
            if (context.Message.Amount != 0 && !saga.CompletedLegs.Contains(leg.ToString()))
                saga.CompletedLegs.Add(leg.ToString());
            if (saga.CompletedLegs.Contains(leg.ToString()))
                saga.ReversedLegs.Add(leg.ToString());
            _logger.LogWarning("Trade {TradeId}: {Step} reversed ({Amount} posted back)", saga.CorrelationId, leg, context.Message.Amount);
            await Compensate(context);
        }
        else if (saga.ReversedLegs.Count > 0
                 && context.Message.OperationId == OperationIds.ReversalOf(saga.CorrelationId, Enum.Parse<SettlementLeg>(saga.ReversedLegs[^1]))
                 && MayFollowALostSend(context))
        {
            _logger.LogInformation("Trade {TradeId}: repeated answer for the previous reversal, sending the reversal of {Step} again", saga.CorrelationId, leg);
            await SendToWallet(context, SettlementPlan.AwaitedCommand(saga, leg));
        }
    }

    async Task OnReversalRejected(BehaviorContext<SettlementState, WalletOperationRejected> context)
    {
        var saga = context.Saga;
        var rejection = context.Message;
        if (Pending(saga) is not { } leg || rejection.OperationId != OperationIds.ReversalOf(saga.CorrelationId, leg))
            return;

        saga.SettlementRetryCount += rejection.RetryAttempts;
        saga.FailureReason += $"; reversal of {leg} refused: {rejection.Code}: {rejection.Message}";
        _logger.LogError(
            "Compensation of trade {TradeId} failed: reversal {ReversalOperationId} of {Step} ({OperationId}) refused with {Code}: {Error}. " +
            "Buyer {BuyerUserId}, seller {SellerUserId}, {Symbol}; applied {CompletedLegs}, reversed {ReversedLegs}. An operator must settle this by hand.",
            saga.CorrelationId, rejection.OperationId, leg, OperationIds.For(saga.CorrelationId, leg), rejection.Code, rejection.Message,
            saga.BuyerUserId, saga.SellerUserId, saga.Symbol, saga.CompletedLegs, saga.ReversedLegs);
        await Fail(context, CompensationFailed);
    }

    /// <summary>
    /// An operator gives up on a suspended trade. Its pending command may still sit in the dead-letter queue, so that leg is
    /// reversed first: the wallet then refuses the command if it is ever replayed. Then the applied legs, last first.
    /// </summary>
    async Task Abort(BehaviorContext<SettlementState, AbortSettlement> context)
    {
        var saga = context.Saga;
        var leg = Pending(saga)!.Value;
        saga.FailureReason = $"Aborted by an operator: {context.Message.Reason} (was: {saga.FailureReason})";
        saga.SuspendedFrom = null;
        _logger.LogWarning("Trade {TradeId} aborted by an operator while waiting for {Step}: {Reason}", saga.CorrelationId, leg, context.Message.Reason);

        await SendToWallet(context, SettlementPlan.ReversalOf(saga, leg));
        await context.TransitionToState(Compensating);
    }

    async Task Fail(BehaviorContext<SettlementState> context, State final)
    {
        var saga = context.Saga;
        saga.SettlementStatus = SettlementStatus.Failed;
        saga.SettledAt = null;
        await context.TransitionToState(final);
        await context.Publish(new SettlementFailed { TradeId = saga.CorrelationId, State = final.Name, Reason = saga.FailureReason ?? string.Empty });
    }
}
