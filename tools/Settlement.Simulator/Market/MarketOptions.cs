namespace Settlement.Simulator.Market;

/// <summary>
/// What a run's trades look like. The same options give the same trades (ids, users, prices, which ones must fail), so
/// the manifest can always be recomputed from them.
/// </summary>
/// <param name="Users">Funded traders (the same number <c>fund</c> was given).</param>
/// <param name="FailShare">Share of trades that must fail for lack of funds, half at the buyer debit, half at the seller debit.</param>
/// <param name="HotShare">Share of traders who are hot accounts.</param>
/// <param name="HotTradeShare">Share of trade sides that go to a hot account (0.8 with 0.2: the 80/20 rule).</param>
public sealed record MarketOptions(
    string Run,
    int Trades,
    int Users = 200,
    double FailShare = 0.02,
    double HotShare = 0.2,
    double HotTradeShare = 0.8,
    int? Seed = null)
{
    public int EffectiveSeed => Seed ?? SimulationIds.Seed(Run);

    public int FailCount => (int)Math.Round(Trades * FailShare, MidpointRounding.AwayFromZero);

    /// <summary>How many traders are hot: at least one when there is a skew at all, and never all of them.</summary>
    public int HotUsers => HotShare <= 0 || HotTradeShare <= 0
        ? 0
        : Math.Clamp((int)Math.Round(Users * HotShare, MidpointRounding.AwayFromZero), 1, Users - 1);

    /// <summary>What is wrong with the options, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Run)) return "--run is required";
        if (Trades < 1 || Trades > FundingPlan.CoveredTrades) return $"--trades must be 1 to {FundingPlan.CoveredTrades}";
        if (Users < 2) return "--users must be at least 2 (a buyer and a seller)";
        if (FailShare is < 0 or > 1) return "--fail-share must be between 0 and 1";
        if (HotShare is < 0 or > 1) return "--hot-share must be between 0 and 1";
        if (HotTradeShare is < 0 or > 1) return "--hot-trade-share must be between 0 and 1";
        return null;
    }
}
