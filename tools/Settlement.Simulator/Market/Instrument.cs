namespace Settlement.Simulator.Market;

/// <summary>
/// A traded symbol and what realistic trades in it look like: a reference price the walk starts from and stays within
/// ±<see cref="Instrument.MaxDrift"/> of, the price tick, and the range and step of quantities (drawn log-uniformly, so
/// small fills are common and large ones rare).
/// </summary>
public sealed record Instrument(
    string Symbol,
    decimal ReferencePrice,
    int PriceScale,
    decimal MinQuantity,
    decimal MaxQuantity,
    int QuantityScale,
    double Weight)
{
    /// <summary>How far the price may wander from its reference, as a fraction.</summary>
    public const decimal MaxDrift = 0.2m;

    public string BaseCurrency => Symbol[..Symbol.IndexOf('/', StringComparison.Ordinal)];
    public string QuoteCurrency => Symbol[(Symbol.IndexOf('/', StringComparison.Ordinal) + 1)..];
    public decimal MinPrice => ReferencePrice * (1 - MaxDrift);
    public decimal MaxPrice => ReferencePrice * (1 + MaxDrift);

    /// <summary>The symbols of the market, with the share of trades each gets.</summary>
    public static IReadOnlyList<Instrument> All { get; } =
    [
        new("BTC/USDT", 65_000m, 2, 0.00001m, 0.5m, 5, 0.4),
        new("ETH/USDT", 3_200m, 2, 0.0001m, 10m, 4, 0.3),
        new("SOL/USDT", 150m, 3, 0.01m, 200m, 2, 0.2),
        new("ETH/BTC", 0.049m, 5, 0.0001m, 10m, 4, 0.1),
    ];

    /// <summary>Every currency the symbols use, in a stable order.</summary>
    public static IReadOnlyList<string> Currencies { get; } =
        All.SelectMany(i => new[] { i.BaseCurrency, i.QuoteCurrency }).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Decimal places amounts of a currency are kept to (fees are rounded to it).</summary>
    public static int CurrencyScale(string currency) => currency switch
    {
        "USDT" => 6,
        _ => 8,
    };
}
