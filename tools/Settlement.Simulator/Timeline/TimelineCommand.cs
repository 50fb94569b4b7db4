using System.Globalization;
using System.Text;
using Serilog;
using Settlement.Simulator.Cli;
using Settlement.Simulator.Market;
using Settlement.Simulator.Publishing;
using Settlement.Simulator.Watching;

namespace Settlement.Simulator.Timeline;

/// <summary>
/// <c>timeline --spans FILE [--run NAME --manifest PATH]</c>: where the time of a trade goes, hop by hop, from a trace file
/// of the host (<c>Observability:TraceFile</c>), over the trades of one run (all trades in the file without
/// <c>--run</c>). Prints a Markdown table (n, mean, p50, p99 per segment) and ends with the usual JSON line.
/// </summary>
public static class TimelineCommand
{
    public static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("spans", "run", "manifest");
        var spans = args.Required("spans");
        HashSet<Guid>? trades = null;
        if (args.String("run", string.Empty) is { Length: > 0 } run)
        {
            var manifest = await Manifest.ReadAsync(args.String("manifest", Manifest.DefaultPath(run)), cancellationToken);
            trades = [.. Enumerable.Range(0, manifest.Trades).Select(i => SimulationIds.Trade(run, i))];
        }

        var timelines = new TradeTimelines(SpanRecord.Read(spans)).Follow(trades);
        Log.Information("timeline: {Trades} trades followed from their first delivery to their last commit", timelines.Trades);
        await Console.Out.WriteAsync(Table(timelines.Segments));
        await Console.Out.WriteAsync(TailTable(timelines.Tail(1)));
        Output.Line(new { timelines.Trades, Segments = timelines.Segments.Count });
        return timelines.Trades > 0 ? 0 : 1;
    }

    /// <summary>One row per segment, in the order a leg goes through them.</summary>
    public static string Table(IReadOnlyDictionary<string, List<double>> segments)
    {
        var table = new StringBuilder("| segment | n | mean ms | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
        foreach (var (name, values) in segments.OrderBy(s => Order(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            var sorted = values.Order().ToArray();
            table.Append(CultureInfo.InvariantCulture,
                $"| {name} | {sorted.Length} | {sorted.Average():F2} | {WatchReport.Percentile(sorted, 50):F2} | {WatchReport.Percentile(sorted, 99):F2} |\n");
        }

        return table.ToString();
    }

    /// <summary>Where the slowest 1 % of the trades spent their time, beside all trades.</summary>
    public static string TailTable(IReadOnlyList<(string Hop, double All, double Slowest)> tail)
    {
        var table = new StringBuilder("\n| per trade, summed over its legs | all trades, mean ms | slowest 1 %, mean ms |\n|---|---|---|\n");
        foreach (var (hop, all, slowest) in tail)
            table.Append(CultureInfo.InvariantCulture, $"| {hop} | {all:F1} | {slowest:F1} |\n");
        return table.ToString();
    }

    static int Order(string segment) => segment.Split(':')[0] switch
    {
        "saga" => 0,
        "command" => 1,
        "wallet" => 2,
        "answer" => 3,
        _ => 4,
    };
}
