using MassTransit;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;

namespace Settlement.Operations.Trades;

/// <summary>
/// An operator's abort of a suspended trade, for the admin API and the console alike: sends <see cref="AbortSettlement"/>
/// to the saga when the trade waits in Suspended and was not compensating. The saga checks again when the command arrives
/// and ignores it if the trade has moved on meanwhile; it then reverses the applied legs and ends RolledBack.
/// </summary>
public sealed class TradeAborts(SettlementRecords records, ISendEndpointProvider sendEndpoints, IOptions<SettlementOptions> options,
    BrokerSendDeadline deadline, ILogger<TradeAborts> logger)
{
    /// <param name="through">Who asked, for the log: "the API", "the console".</param>
    public async Task<AbortOutcome> AbortAsync(Guid tradeId, string reason, string through, CancellationToken cancellationToken)
    {
        if (await records.FindAsync(tradeId, cancellationToken) is not { } record)
            return new AbortOutcome(AbortResult.UnknownTrade, null);
        if (!CanAbort(record))
            return new AbortOutcome(AbortResult.NotAbortable, record);

        var abort = new AbortSettlement { TradeId = tradeId, Reason = reason };
        var sent = await deadline.TrySendAsync(async token =>
        {
            // exchange:, not queue:, so a quorum queue is not declared again as a classic one (RabbitMq:QueueType).
            var saga = await sendEndpoints.GetSendEndpoint(new Uri($"exchange:{options.Value.QueueName}"));
            await saga.Send(abort, token);
        }, cancellationToken);
        if (!sent)
        {
            logger.LogError("Abort of trade {TradeId} requested through {Through} may not have been sent: the broker did not confirm it within {Timeout}",
                tradeId, through, deadline.Timeout);
            return new AbortOutcome(AbortResult.BrokerTimedOut, record);
        }

        logger.LogWarning("Abort of trade {TradeId} requested through {Through}: {Reason}", tradeId, through, reason);
        return new AbortOutcome(AbortResult.Sent, record);
    }

    /// <summary>Whether an abort of the trade would be acted on now: Suspended, and not while reversing its legs.</summary>
    public static bool CanAbort(SettlementState record) =>
        record.CurrentState == nameof(SettlementStateMachine.Suspended) && record.SuspendedFrom != nameof(SettlementStateMachine.Compensating);

    /// <summary>Why a trade cannot be aborted: "Trade … is Settled: only a trade Suspended outside compensation can be aborted."</summary>
    public static string WhyNot(SettlementState record) =>
        $"Trade {record.CorrelationId} is {record.CurrentState}{(record.SuspendedFrom is { } from ? $" (from {from})" : "")}: only a trade " +
        "Suspended outside compensation can be aborted.";

    /// <summary>What to tell whoever asked when the broker did not take the abort in time.</summary>
    public string NotSent(Guid tradeId) =>
        $"{deadline.NotConfirmed($"the abort of trade {tradeId}")} Ask again once the broker is back: an abort is acted on once.";
}

public enum AbortResult
{
    Sent,
    UnknownTrade,
    NotAbortable,
    /// <summary>The broker did not take the abort within <c>RabbitMq:PublishTimeout</c>; asking again is safe.</summary>
    BrokerTimedOut,
}

/// <param name="Record">The trade's record as it was read before the abort was sent; null for an unknown trade.</param>
public sealed record AbortOutcome(AbortResult Result, SettlementState? Record);
