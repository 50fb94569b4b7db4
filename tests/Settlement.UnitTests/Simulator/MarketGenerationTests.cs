using Settlement.Orchestration.Saga;
using Settlement.Simulator.Market;

namespace Settlement.UnitTests.Simulator;

public class MarketGenerationTests
{
    static readonly MarketOptions Options = new("unit-run", Trades: 5_000, Users: 200, FailShare: 0.02);
    static readonly PlannedTrade[] Trades = TradeGenerator.Generate(Options).ToArray();

    [Fact]
    public void The_same_options_give_the_same_trades_with_ids_derived_from_run_and_index()
    {
        var again = TradeGenerator.Generate(Options).ToArray();

        Assert.Equal(Trades, again);
        Assert.All(Trades, t => Assert.Equal(SimulationIds.Trade("unit-run", t.Index), t.TradeId));
        Assert.Equal(Trades.Length, Trades.Select(t => t.TradeId).Distinct().Count());
        Assert.All(Trades.Take(10), t => Assert.Equal(5, t.TradeId.Version));
        Assert.NotEqual(SimulationIds.Trade("other-run", 0), SimulationIds.Trade("unit-run", 0));
        Assert.NotEqual(SimulationIds.Trader("unit-run", 1), SimulationIds.Trader("unit-run", 2));
    }

    [Fact]
    public void Fees_are_the_maker_and_taker_shares_of_the_notional_rounded_to_the_quote_currency()
    {
        Assert.Equal((2m, 5m), FeeSchedule.For(10_000m, isBuyerMaker: true, "USDT"));
        Assert.Equal((5m, 2m), FeeSchedule.For(10_000m, isBuyerMaker: false, "USDT"));
        // 1.234567 × 0.0005 = 0.0006172835 → 6 places for USDT; 0.0123 BTC × 0.0002 = 0.00000246 → 8 places for BTC.
        Assert.Equal(0.000617m, FeeSchedule.Fee(1.234567m, FeeSchedule.TakerRate, "USDT"));
        Assert.Equal(0.00000246m, FeeSchedule.Fee(0.0123m, FeeSchedule.MakerRate, "BTC"));

        Assert.All(Trades, t =>
        {
            var scale = Instrument.CurrencyScale(t.Instrument.QuoteCurrency);
            var maker = Math.Round(t.Notional * 0.0002m, scale, MidpointRounding.AwayFromZero);
            var taker = Math.Round(t.Notional * 0.0005m, scale, MidpointRounding.AwayFromZero);
            Assert.Equal(t.IsBuyerMaker ? maker : taker, t.BuyerFee);
            Assert.Equal(t.IsBuyerMaker ? taker : maker, t.SellerFee);
        });
    }

    [Fact]
    public void Prices_and_quantities_are_realistic_and_every_trade_is_valid_for_settlement()
    {
        var executedAt = DateTimeOffset.UtcNow;
        Assert.Equal(Instrument.All.Select(i => i.Symbol).Order(), Trades.Select(t => t.Instrument.Symbol).Distinct().Order());
        Assert.All(Trades, t =>
        {
            Assert.InRange(t.Price, t.Instrument.MinPrice, t.Instrument.MaxPrice);
            Assert.InRange(t.Quantity, t.Instrument.MinQuantity, t.Instrument.MaxQuantity);
            Assert.Equal(t.Price, Math.Round(t.Price, t.Instrument.PriceScale));
            Assert.Equal(t.Quantity, Math.Round(t.Quantity, t.Instrument.QuantityScale));
            Assert.Null(TradeValidation.Problem(t.ToMessage(executedAt)));
        });

        // A random walk: consecutive prices of a symbol stay close (well under 1 %), not independent draws.
        foreach (var symbol in Trades.GroupBy(t => t.Instrument.Symbol))
        {
            var prices = symbol.Select(t => t.Price).ToArray();
            Assert.All(prices.Zip(prices.Skip(1)), pair => Assert.True(Math.Abs(pair.Second / pair.First - 1) < 0.01m));
        }
    }

    [Fact]
    public void Hot_accounts_take_part_in_the_configured_share_of_trades()
    {
        var options = Options with { FailShare = 0, Trades = 10_000 };
        var hot = Enumerable.Range(0, options.HotUsers).Select(i => SimulationIds.Trader(options.Run, i)).ToHashSet();
        var sides = TradeGenerator.Generate(options).SelectMany(t => new[] { t.BuyerUserId, t.SellerUserId }).ToArray();

        Assert.Equal(40, options.HotUsers);
        var hotShare = sides.Count(hot.Contains) / (double)sides.Length;
        Assert.InRange(hotShare, 0.77, 0.83);

        // So a hot account trades about (0.8 / 40) / (0.2 / 160) = 16 times as often as a cold one.
        var perUser = sides.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var hotMean = hot.Average(id => perUser.GetValueOrDefault(id));
        var coldMean = perUser.Where(p => !hot.Contains(p.Key)).Average(p => p.Value);
        Assert.InRange(hotMean / coldMean, 12, 20);
    }

    [Fact]
    public void Without_skew_every_trader_is_equally_likely()
    {
        var options = Options with { FailShare = 0, HotShare = 0, Users = 10, Trades = 10_000 };
        var perUser = TradeGenerator.Generate(options).SelectMany(t => new[] { t.BuyerUserId, t.SellerUserId })
            .GroupBy(id => id).Select(g => g.Count()).ToArray();

        Assert.Equal(10, perUser.Length);
        Assert.All(perUser, count => Assert.InRange(count, 1_800, 2_200));
    }

    [Fact]
    public void Buyer_and_seller_always_differ()
    {
        var options = Options with { Users = 2, FailShare = 0, Trades = 1_000 };
        Assert.All(TradeGenerator.Generate(options), t => Assert.NotEqual(t.BuyerUserId, t.SellerUserId));
    }

    [Theory]
    [InlineData("", 10, "--run")]
    [InlineData("r", 0, "--trades")]
    [InlineData("r", FundingPlan.CoveredTrades + 1, "--trades")]
    public void Options_outside_what_the_funding_covers_are_refused(string run, int trades, string named) =>
        Assert.Contains(named, new MarketOptions(run, trades).Problem());
}
