namespace Settlement.Simulator.Market;

/// <summary>
/// Maker/taker fees as a share of the notional, charged in the quote currency and rounded (half away from zero) to the
/// quote currency's scale. The maker is the side that rested on the book: the buyer when <c>IsBuyerMaker</c>, otherwise the
/// seller; the other side is the taker.
/// </summary>
public static class FeeSchedule
{
    public const decimal MakerRate = 0.0002m;
    public const decimal TakerRate = 0.0005m;

    public static decimal Fee(decimal notional, decimal rate, string quoteCurrency) =>
        Math.Round(notional * rate, Instrument.CurrencyScale(quoteCurrency), MidpointRounding.AwayFromZero);

    /// <summary>(buyer fee, seller fee) of a fill.</summary>
    public static (decimal BuyerFee, decimal SellerFee) For(decimal notional, bool isBuyerMaker, string quoteCurrency)
    {
        var maker = Fee(notional, MakerRate, quoteCurrency);
        var taker = Fee(notional, TakerRate, quoteCurrency);
        return isBuyerMaker ? (maker, taker) : (taker, maker);
    }
}
