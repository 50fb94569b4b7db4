using System.Diagnostics.Metrics;

namespace Settlement.Host.Api;

/// <summary>The API's instruments, on the service's meter <c>Settlement</c> (exported with all its instruments).</summary>
public static class ApiMetrics
{
    public const string MeterName = "Settlement";

    static readonly Meter Meter = new(MeterName);

    /// <summary>Orders the pre-trade check found without sufficient funds; tagged with the order's <c>side</c>.</summary>
    public static readonly Counter<long> PretradeRefusals = Meter.CreateCounter<long>(
        "settlement_pretrade_refusals_total", unit: "{order}", description: "Orders refused before matching for insufficient funds");
}
