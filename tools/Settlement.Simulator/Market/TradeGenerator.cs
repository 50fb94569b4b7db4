namespace Settlement.Simulator.Market;

/// <summary>
/// Generates a run's trades, deterministically from <see cref="MarketOptions"/>: symbols by weight, each symbol's price a
/// small random walk (σ = 0.05 % per trade) kept within ±20 % of its reference, log-uniform quantities, a coin flip for
/// the maker side, maker/taker fees, traders skewed towards the hot accounts, and exactly
/// <see cref="MarketOptions.FailCount"/> must-fail trades spread over the run, alternately refused at the buyer debit and
/// at the seller debit.
/// </summary>
public sealed class TradeGenerator
{
    const double Volatility = 0.0005;

    readonly MarketOptions _options;
    readonly Random _random;
    readonly Dictionary<string, decimal> _prices;
    readonly Dictionary<int, ExpectedFailure> _failures;
    readonly double _totalWeight = Instrument.All.Sum(i => i.Weight);

    public TradeGenerator(MarketOptions options)
    {
        if (options.Problem() is { } problem)
            throw new ArgumentException(problem, nameof(options));
        _options = options;
        _random = new Random(options.EffectiveSeed);
        _prices = Instrument.All.ToDictionary(i => i.Symbol, i => i.ReferencePrice);
        _failures = ChooseFailures(options);
    }

    /// <summary>All trades of the run, in publishing order.</summary>
    public static IEnumerable<PlannedTrade> Generate(MarketOptions options)
    {
        var generator = new TradeGenerator(options);
        for (var index = 0; index < options.Trades; index++)
            yield return generator.Next(index);
    }

    PlannedTrade Next(int index)
    {
        // Every draw happens for every trade, in the same order, so a must-fail trade does not shift the ones after it.
        var instrument = PickInstrument();
        var price = WalkPrice(instrument);
        var quantity = DrawQuantity(instrument);
        var isBuyerMaker = _random.NextDouble() < 0.5;
        var buyer = PickTrader();
        var seller = PickTrader(except: buyer);
        var mustFailUser = _random.Next(FundingPlan.MustFailUsersPerKind);

        var failure = _failures.GetValueOrDefault(index, ExpectedFailure.None);
        var buyerId = failure == ExpectedFailure.BuyerDebit
            ? SimulationIds.UnfundedBuyer(_options.Run, mustFailUser)
            : SimulationIds.Trader(_options.Run, buyer);
        var sellerId = failure == ExpectedFailure.SellerDebit
            ? SimulationIds.BaselessSeller(_options.Run, mustFailUser)
            : SimulationIds.Trader(_options.Run, seller);

        var (buyerFee, sellerFee) = FeeSchedule.For(price * quantity, isBuyerMaker, instrument.QuoteCurrency);
        return new PlannedTrade(index, SimulationIds.Trade(_options.Run, index), instrument, buyerId, sellerId,
            price, quantity, buyerFee, sellerFee, isBuyerMaker, failure);
    }

    Instrument PickInstrument()
    {
        var draw = _random.NextDouble() * _totalWeight;
        foreach (var instrument in Instrument.All)
        {
            draw -= instrument.Weight;
            if (draw < 0)
                return instrument;
        }

        return Instrument.All[^1];
    }

    decimal WalkPrice(Instrument instrument)
    {
        var step = (decimal)(Volatility * NextGaussian());
        var price = Math.Round(_prices[instrument.Symbol] * (1 + step), instrument.PriceScale, MidpointRounding.AwayFromZero);
        price = Math.Clamp(price, instrument.MinPrice, instrument.MaxPrice);
        _prices[instrument.Symbol] = price;
        return price;
    }

    decimal DrawQuantity(Instrument instrument)
    {
        var low = Math.Log((double)instrument.MinQuantity);
        var high = Math.Log((double)instrument.MaxQuantity);
        var quantity = Math.Round((decimal)Math.Exp(low + _random.NextDouble() * (high - low)), instrument.QuantityScale,
            MidpointRounding.AwayFromZero);
        return Math.Clamp(quantity, instrument.MinQuantity, instrument.MaxQuantity);
    }

    /// <summary>A trader index: a hot one with probability <see cref="MarketOptions.HotTradeShare"/>, else a cold one.</summary>
    int PickTrader(int except = -1)
    {
        var hot = _options.HotUsers;
        while (true)
        {
            var index = hot > 0 && _random.NextDouble() < _options.HotTradeShare
                ? _random.Next(hot)
                : _random.Next(hot, _options.Users);
            if (index != except)
                return index;
        }
    }

    double NextGaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Which trade indexes must fail, drawn from their own random sequence; alternately at each debit.</summary>
    static Dictionary<int, ExpectedFailure> ChooseFailures(MarketOptions options)
    {
        var random = new Random(options.EffectiveSeed ^ 0x5f3759df);
        var indexes = Enumerable.Range(0, options.Trades).ToArray();
        var count = options.FailCount;
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, indexes.Length);
            (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
        }

        return indexes.Take(count).Order().Select((index, n) => (index, n))
            .ToDictionary(x => x.index, x => x.n % 2 == 0 ? ExpectedFailure.BuyerDebit : ExpectedFailure.SellerDebit);
    }
}
