using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Api;

/// <summary>A trade's settlement record as the API shows it (<c>GET /api/settlements/{tradeId}</c>).</summary>
public sealed record SettlementView(
    Guid TradeId,
    string Status,
    string State,
    DateTimeOffset? SettledAt,
    int RetryCount,
    string? FailureReason,
    bool FeeCollected,
    Guid FeeWalletUserId,
    IReadOnlyList<string> CompletedLegs,
    IReadOnlyList<string> ReversedLegs,
    string? PendingLeg,
    string? SuspendedFrom,
    TradeView Trade,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SettlementView From(SettlementState record) => new(
        record.CorrelationId, record.SettlementStatus, record.CurrentState, record.SettledAt, record.SettlementRetryCount,
        record.FailureReason, record.FeeCollected, record.FeeWalletUserId, record.CompletedLegs, record.ReversedLegs, record.PendingLeg, record.SuspendedFrom,
        new TradeView(record.CorrelationId, record.Symbol, record.BuyerUserId, record.SellerUserId, record.Price, record.Quantity,
            record.BuyerFee, record.SellerFee, record.IsBuyerMaker, record.ExecutedAt),
        record.CreatedAt, record.UpdatedAt);
}

/// <summary>The trade as executed: what <c>POST /api/trades</c> published and what its settlement record keeps.</summary>
public sealed record TradeView(
    Guid TradeId,
    string Symbol,
    Guid BuyerUserId,
    Guid SellerUserId,
    decimal Price,
    decimal Quantity,
    decimal BuyerFee,
    decimal SellerFee,
    bool IsBuyerMaker,
    DateTimeOffset ExecutedAt)
{
    public static TradeView From(TradeExecuted trade) => new(trade.TradeId, trade.Symbol, trade.BuyerUserId, trade.SellerUserId,
        trade.Price, trade.Quantity, trade.BuyerFee, trade.SellerFee, trade.IsBuyerMaker, trade.ExecutedAt);
}

/// <summary>A page of <c>GET /api/settlements</c>: pass <see cref="Next"/> as <c>after</c> for the following page; null on the last.</summary>
public sealed record SettlementListView(IReadOnlyList<SettlementView> Items, string? Next);

/// <summary>The body of <c>POST /api/settlements/{tradeId}/abort</c>.</summary>
public sealed record AbortRequest(string? Reason);

/// <summary>The answer to an accepted abort: the command is on its way to the saga, which reverses the trade.</summary>
public sealed record AbortAccepted(Guid TradeId, string Reason);
