namespace Settlement.Simulator.Market;

/// <summary>
/// What <c>fund</c> deposits. Every trader gets, in every currency, enough to be the paying side of
/// <see cref="CoveredTrades"/> trades at the largest quantity and the highest price (plus the taker fee) the generator can
/// produce, so a valid trade never fails for lack of funds whatever the trade count (up to that cap), the hot-account skew
/// or the order in which trades settle. The must-fail users are apart: <see cref="SimulationIds.UnfundedBuyer"/>s get
/// nothing, and <see cref="SimulationIds.BaselessSeller"/>s get only the currencies that are never a base currency, so
/// a seller debit (which is always in a base currency) finds no money.
/// </summary>
public static class FundingPlan
{
    /// <summary>The largest run, in trades, the funding covers; <c>publish</c> refuses more.</summary>
    public const int CoveredTrades = 1_000_000;

    /// <summary>How many users of each must-fail kind a run uses.</summary>
    public const int MustFailUsersPerKind = 10;

    public sealed record Deposit(Guid UserId, string Currency, decimal Amount);

    /// <summary>What one trader is funded with, per currency.</summary>
    public static IReadOnlyDictionary<string, decimal> PerTrader { get; } =
        Instrument.Currencies.ToDictionary(currency => currency, currency => CoveredTrades * LargestDebit(currency));

    /// <summary>The currencies a baseless seller is funded with: those no symbol sells.</summary>
    public static IReadOnlyList<string> QuoteOnlyCurrencies { get; } =
        Instrument.Currencies.Where(c => Instrument.All.All(i => i.BaseCurrency != c)).ToArray();

    /// <summary>Every deposit of a run with <paramref name="users"/> traders, in a stable order.</summary>
    public static IEnumerable<Deposit> Deposits(string run, int users)
    {
        for (var index = 0; index < users; index++)
        {
            var userId = SimulationIds.Trader(run, index);
            foreach (var currency in Instrument.Currencies)
                yield return new Deposit(userId, currency, PerTrader[currency]);
        }

        for (var index = 0; index < MustFailUsersPerKind; index++)
        {
            var userId = SimulationIds.BaselessSeller(run, index);
            foreach (var currency in QuoteOnlyCurrencies)
                yield return new Deposit(userId, currency, PerTrader[currency]);
        }
    }

    /// <summary>The sum deposited per currency.</summary>
    public static IReadOnlyDictionary<string, decimal> Totals(string run, int users) =>
        Deposits(run, users).GroupBy(d => d.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Amount), StringComparer.Ordinal);

    /// <summary>The most one trade can debit from one side in <paramref name="currency"/>, rounded up to a whole unit.</summary>
    static decimal LargestDebit(string currency)
    {
        var largest = 0m;
        foreach (var instrument in Instrument.All)
        {
            if (instrument.QuoteCurrency == currency)
                largest = Math.Max(largest, instrument.MaxPrice * instrument.MaxQuantity * (1 + FeeSchedule.TakerRate));
            if (instrument.BaseCurrency == currency)
                largest = Math.Max(largest, instrument.MaxQuantity);
        }

        return Math.Ceiling(largest);
    }
}
