using Settlement.Simulator.Market;

namespace Settlement.UnitTests.Simulator;

public class FundingTests
{
    static readonly MarketOptions Options = new("funding-run", Trades: 20_000, Users: 200, FailShare: 0.02, HotShare: 0.01, HotTradeShare: 0.9);
    static readonly PlannedTrade[] Trades = TradeGenerator.Generate(Options).ToArray();

    static readonly Dictionary<(Guid, string), decimal> Funded =
        FundingPlan.Deposits(Options.Run, Options.Users).ToDictionary(d => (d.UserId, d.Currency), d => d.Amount);

    static decimal FundedWith(Guid userId, string currency) => Funded.GetValueOrDefault((userId, currency));

    [Fact]
    public void The_share_of_must_fail_trades_is_exact_and_split_between_the_two_debits()
    {
        var failing = Trades.Where(t => t.ExpectedFailure != ExpectedFailure.None).ToArray();

        Assert.Equal(400, failing.Length);
        Assert.Equal(200, failing.Count(t => t.ExpectedFailure == ExpectedFailure.BuyerDebit));
        Assert.Equal(200, failing.Count(t => t.ExpectedFailure == ExpectedFailure.SellerDebit));
        // Spread over the run, not bunched at its start.
        Assert.True(failing.Max(t => t.Index) > Options.Trades * 0.9);
        Assert.True(failing.Min(t => t.Index) < Options.Trades * 0.1);
    }

    [Fact]
    public void Must_fail_trades_really_lack_the_funds_at_the_debit_where_they_must_fail()
    {
        var traders = Enumerable.Range(0, Options.Users).Select(i => SimulationIds.Trader(Options.Run, i)).ToHashSet();

        Assert.All(Trades.Where(t => t.ExpectedFailure == ExpectedFailure.BuyerDebit), t =>
        {
            Assert.Equal(0m, FundedWith(t.BuyerUserId, t.Instrument.QuoteCurrency));
            Assert.Contains(t.SellerUserId, traders);
        });
        Assert.All(Trades.Where(t => t.ExpectedFailure == ExpectedFailure.SellerDebit), t =>
        {
            // The buyer legs pass, so the refusal comes at the seller debit and the buyer legs are reversed.
            Assert.Contains(t.BuyerUserId, traders);
            Assert.True(FundedWith(t.BuyerUserId, t.Instrument.QuoteCurrency) >= t.Notional + t.BuyerFee);
            Assert.Equal(0m, FundedWith(t.SellerUserId, t.Instrument.BaseCurrency));
        });

        // A must-fail user never receives anything either: it is only ever on the side whose debit is refused.
        var unfundedBuyers = Trades.Where(t => t.ExpectedFailure == ExpectedFailure.BuyerDebit).Select(t => t.BuyerUserId).ToHashSet();
        var baselessSellers = Trades.Where(t => t.ExpectedFailure == ExpectedFailure.SellerDebit).Select(t => t.SellerUserId).ToHashSet();
        Assert.DoesNotContain(Trades, t => baselessSellers.Contains(t.BuyerUserId) || unfundedBuyers.Contains(t.SellerUserId));
        Assert.DoesNotContain(Trades, t => t.ExpectedFailure == ExpectedFailure.None &&
                                           (!traders.Contains(t.BuyerUserId) || !traders.Contains(t.SellerUserId)));
    }

    [Fact]
    public void Valid_trades_never_lack_funds_even_if_no_credit_ever_arrived()
    {
        // Sum every debit a trader faces, per currency, ignoring what it receives: the worst settlement order.
        var debits = new Dictionary<(Guid, string), decimal>();
        foreach (var t in Trades.Where(t => t.ExpectedFailure == ExpectedFailure.None))
        {
            var buyerKey = (t.BuyerUserId, t.Instrument.QuoteCurrency);
            var sellerKey = (t.SellerUserId, t.Instrument.BaseCurrency);
            debits[buyerKey] = debits.GetValueOrDefault(buyerKey) + t.Notional + t.BuyerFee;
            debits[sellerKey] = debits.GetValueOrDefault(sellerKey) + t.Quantity;
        }

        Assert.All(debits, debit => Assert.True(FundedWith(debit.Key.Item1, debit.Key.Item2) >= debit.Value,
            $"{debit.Key} is debited {debit.Value} but funded with {FundedWith(debit.Key.Item1, debit.Key.Item2)}"));
    }

    [Fact]
    public void Funding_covers_the_largest_trade_for_every_covered_trade_and_is_reported_per_currency()
    {
        Assert.Equal(["BTC", "ETH", "SOL", "USDT"], Instrument.Currencies);
        Assert.Equal(["USDT"], FundingPlan.QuoteOnlyCurrencies);
        // USDT: 78,000 (BTC/USDT reference + 20 %) × 0.5 BTC × 1.0005, rounded up, per covered trade.
        Assert.Equal(39_020m * FundingPlan.CoveredTrades, FundingPlan.PerTrader["USDT"]);
        Assert.Equal(10m * FundingPlan.CoveredTrades, FundingPlan.PerTrader["ETH"]);

        var totals = FundingPlan.Totals(Options.Run, Options.Users);
        Assert.Equal(FundingPlan.PerTrader["USDT"] * (Options.Users + FundingPlan.MustFailUsersPerKind), totals["USDT"]);
        Assert.Equal(FundingPlan.PerTrader["BTC"] * Options.Users, totals["BTC"]);
        Assert.All(totals.Values, total => Assert.True(total < 100_000_000_000_000_000_000m, "numeric(38,18) holds it"));
    }

    [Fact]
    public void Deposit_ids_repeat_so_funding_twice_deposits_once()
    {
        var first = FundingPlan.Deposits("again", 3).Select(d => SimulationIds.Deposit(d.UserId, d.Currency)).ToArray();
        var second = FundingPlan.Deposits("again", 3).Select(d => SimulationIds.Deposit(d.UserId, d.Currency)).ToArray();

        Assert.Equal(first, second);
        Assert.Equal(first.Length, first.Distinct().Count());
    }
}
