using Settlement.Contracts;
using Settlement.Orchestration;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Api;

/// <summary>The body of <c>POST /api/orders/check</c>: an order about to be matched. <see cref="Fee"/> may be left out (0).</summary>
public sealed record OrderCheckRequest(Guid? UserId, string? Side, string? Symbol, decimal? Price, decimal? Quantity, decimal? Fee)
{
    public bool IsBuy => "buy".Equals(Side, StringComparison.OrdinalIgnoreCase);
    public bool IsSell => "sell".Equals(Side, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What is wrong with the order, or null. Beyond the fields' presence, the order must pass the rules settlement applies
    /// to the trade it would become (<see cref="TradeValidation"/>), so an order refused at settlement is refused here first.
    /// </summary>
    public string? Problem()
    {
        if (ApiProblems.MissingFields(("userId", UserId), ("side", Side), ("symbol", Symbol), ("price", Price), ("quantity", Quantity)) is { } missing)
            return missing;
        if (UserId == Guid.Empty)
            return "userId is the empty GUID.";
        if (!IsBuy && !IsSell)
            return $"side '{EchoedText.Of(Side)}' is neither buy nor sell.";
        return TradeValidation.Problem(AsTrade()) is { } problem ? $"The order cannot be settled: {problem}." : null;
    }

    /// <summary>
    /// The trade the order would become. Before matching there is no counterparty: a stand-in takes the other side, and the
    /// fee is the user's (buyer fee for a buy, seller fee for a sell).
    /// </summary>
    TradeExecuted AsTrade()
    {
        var (user, counterparty, fee) = (UserId!.Value, Guid.NewGuid(), Fee ?? 0m);
        return new TradeExecuted
        {
            Symbol = Symbol!,
            BuyerUserId = IsBuy ? user : counterparty,
            SellerUserId = IsBuy ? counterparty : user,
            Price = Price!.Value,
            Quantity = Quantity!.Value,
            BuyerFee = IsBuy ? fee : 0m,
            SellerFee = IsBuy ? 0m : fee,
        };
    }

    /// <summary>
    /// What the user's account must hold for settlement's debit of this order: price × quantity + fee of the quote currency
    /// for a buy (the BuyerDebit leg), the quantity of the base currency for a sell (the SellerDebit leg; the seller's fee
    /// comes out of the proceeds). Call only when <see cref="Problem"/> is null.
    /// </summary>
    public (string Currency, decimal Amount) Requirement()
    {
        TradeValidation.TryParseSymbol(Symbol, out var baseCurrency, out var quoteCurrency);
        return IsBuy
            ? (quoteCurrency, TradeValidation.Normalize(Price!.Value * Quantity!.Value + (Fee ?? 0m)))
            : (baseCurrency, TradeValidation.Normalize(Quantity!.Value));
    }
}

/// <summary>The answer of <c>POST /api/orders/check</c>; <see cref="Message"/> says why when the funds are not sufficient.</summary>
public sealed record OrderCheckResult(bool Sufficient, decimal Required, decimal Available, string Currency, string Message);
