using System.Text.RegularExpressions;
using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

/// <summary>Decides whether a trade can be settled at all, before any money moves.</summary>
public static partial class TradeValidation
{
    /// <summary>The wallet keeps money as numeric(38,18): 18 decimal places, below 10^20.</summary>
    public const int MaxScale = 18;
    static readonly decimal MaxAmount = 100_000_000_000_000_000_000m;

    [GeneratedRegex("^([A-Z0-9]{1,16})/([A-Z0-9]{1,16})$")]
    private static partial Regex SymbolPattern();

    /// <summary>The same value without trailing zeros: 1.500 becomes 1.5, so scale means significant decimal places.</summary>
    public static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    /// <summary>
    /// The amount as the settlement record can hold it (numeric(38,18)): an amount of 10^20 or more is kept as 0, so that a
    /// trade rejected for it can still be recorded with its reason instead of failing the insert.
    /// </summary>
    public static decimal Storable(decimal amount) => Math.Abs(amount) < MaxAmount ? amount : 0m;

    /// <summary>Splits <c>BASE/QUOTE</c>; false when the symbol is malformed.</summary>
    public static bool TryParseSymbol(string? symbol, out string baseCurrency, out string quoteCurrency)
    {
        var match = SymbolPattern().Match(symbol ?? string.Empty);
        baseCurrency = match.Success ? match.Groups[1].Value : string.Empty;
        quoteCurrency = match.Success ? match.Groups[2].Value : string.Empty;
        return match.Success && baseCurrency != quoteCurrency;
    }

    /// <summary>Null when the trade can be settled; otherwise what is wrong with it.</summary>
    public static string? Problem(TradeExecuted trade)
    {
        if (trade.BuyerUserId == Guid.Empty) return "BuyerUserId is empty";
        if (trade.SellerUserId == Guid.Empty) return "SellerUserId is empty";
        if (trade.BuyerUserId == trade.SellerUserId) return "buyer and seller are the same user";
        if (!TryParseSymbol(trade.Symbol, out _, out _))
            return $"symbol '{EchoedText.Of(trade.Symbol)}' is not BASE/QUOTE with two different upper-case codes";
        if (trade.Price <= 0) return $"price {trade.Price} is not positive";
        if (trade.Quantity <= 0) return $"quantity {trade.Quantity} is not positive";
        if (trade.BuyerFee < 0) return $"buyer fee {trade.BuyerFee} is negative";
        if (trade.SellerFee < 0) return $"seller fee {trade.SellerFee} is negative";

        decimal notional;
        try
        {
            notional = trade.Price * trade.Quantity;
        }
        catch (OverflowException)
        {
            return "price × quantity overflows";
        }

        foreach (var (name, amount) in new[]
                 {
                     ("price", trade.Price), ("quantity", trade.Quantity), ("buyer fee", trade.BuyerFee),
                     ("seller fee", trade.SellerFee), ("price × quantity", notional),
                 })
        {
            if (Normalize(amount).Scale > MaxScale)
                return $"{name} {amount} has more than {MaxScale} decimal places";
            if (amount >= MaxAmount)
                return $"{name} {amount} is too large";
        }

        if (notional + trade.BuyerFee >= MaxAmount) return "buyer debit is too large";
        if (notional - trade.SellerFee < 0)
            return $"seller fee {trade.SellerFee} exceeds price × quantity {notional}: the seller credit would be negative";
        return null;
    }
}
