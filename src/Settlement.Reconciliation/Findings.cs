namespace Settlement.Reconciliation;

/// <summary>
/// Everything one reconciliation run collects: the breaks (listed up to a cap, counted exactly per kind), the findings
/// that are not breaks, and the per-currency amounts the conservation check needs.
/// </summary>
public sealed class Findings(int maxListed)
{
    readonly List<Break> _breaks = [];
    readonly Dictionary<string, int> _counts = [];
    readonly List<AwaitingReplay> _awaitingReplay = [];
    readonly List<FeeNotCollected> _feesNotCollected = [];

    public IReadOnlyList<Break> Breaks => _breaks;
    public IReadOnlyDictionary<string, int> Counts => _counts;
    public int Total { get; private set; }
    public IReadOnlyList<AwaitingReplay> AwaitingReplay => _awaitingReplay;
    public IReadOnlyList<FeeNotCollected> FeesNotCollected => _feesNotCollected;

    /// <summary>Per currency: the net of the entries of trades still moving (not settled, rolled back or rejected).</summary>
    public Dictionary<string, Amount> InFlight { get; } = [];

    /// <summary>Per currency: fees that settled trades owe the fee wallet because their fee leg was not applied.</summary>
    public Dictionary<string, Amount> FeesOwed { get; } = [];

    public int FeeNotCollectedCount { get; private set; }

    public void Add(Break found)
    {
        Total++;
        _counts[found.Kind] = _counts.GetValueOrDefault(found.Kind) + 1;
        if (_breaks.Count < maxListed)
            _breaks.Add(found);
    }

    public void AddAwaitingReplay(AwaitingReplay trade)
    {
        if (_awaitingReplay.Count < maxListed)
            _awaitingReplay.Add(trade);
    }

    public void AddFeeNotCollected(FeeNotCollected fee, Amount amount)
    {
        FeeNotCollectedCount++;
        Accumulate(FeesOwed, fee.Currency, amount);
        if (_feesNotCollected.Count < maxListed)
            _feesNotCollected.Add(fee);
    }

    public static void Accumulate(Dictionary<string, Amount> sums, string currency, Amount amount) =>
        sums[currency] = sums.GetValueOrDefault(currency) + amount;
}
