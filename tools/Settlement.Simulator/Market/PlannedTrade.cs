using Settlement.Contracts;

namespace Settlement.Simulator.Market;

/// <summary>Where a must-fail trade is meant to be refused.</summary>
public enum ExpectedFailure
{
    None,

    /// <summary>The buyer was never funded: leg 1 is refused and nothing moves.</summary>
    BuyerDebit,

    /// <summary>The seller has no base currency: leg 3 is refused after both buyer legs, which are then reversed.</summary>
    SellerDebit,
}

/// <summary>One generated fill; <see cref="ToMessage"/> stamps it with the moment it is published.</summary>
public sealed record PlannedTrade(
    int Index,
    Guid TradeId,
    Instrument Instrument,
    Guid BuyerUserId,
    Guid SellerUserId,
    decimal Price,
    decimal Quantity,
    decimal BuyerFee,
    decimal SellerFee,
    bool IsBuyerMaker,
    ExpectedFailure ExpectedFailure)
{
    public decimal Notional => Price * Quantity;

    public TradeExecuted ToMessage(DateTimeOffset executedAt) => new()
    {
        TradeId = TradeId,
        Symbol = Instrument.Symbol,
        BuyerUserId = BuyerUserId,
        SellerUserId = SellerUserId,
        Price = Price,
        Quantity = Quantity,
        BuyerFee = BuyerFee,
        SellerFee = SellerFee,
        IsBuyerMaker = IsBuyerMaker,
        ExecutedAt = executedAt,
    };

    /// <summary>Why the trade must fail, for the manifest; null for a valid trade.</summary>
    public string? FailureReason => ExpectedFailure switch
    {
        ExpectedFailure.BuyerDebit => $"buyer {BuyerUserId} was never funded: the buyer debit of {Instrument.QuoteCurrency} is refused",
        ExpectedFailure.SellerDebit =>
            $"seller {SellerUserId} holds no {Instrument.BaseCurrency}: the seller debit is refused and the buyer legs are reversed",
        _ => null,
    };
}
