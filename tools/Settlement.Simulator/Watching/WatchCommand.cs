using System.Diagnostics;
using Npgsql;
using Serilog;
using Settlement.Simulator.Cli;
using Settlement.Simulator.Market;
using Settlement.Simulator.Publishing;

namespace Settlement.Simulator.Watching;

/// <summary>
/// <c>watch</c>: polls the run's settlement records until every trade is terminal, the timeout passes, or (with
/// <c>--settle-timeout</c>) no trade became terminal for that long; then prints one <see cref="WatchReport"/> line.
/// Each poll reads only the trades not yet terminal.
/// </summary>
public static class WatchCommand
{
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("run", "connection", "timeout", "manifest", "settle-timeout");
        var run = args.Required("run");
        var connection = args.Required("connection");
        var timeout = TimeSpan.FromSeconds(args.Double("timeout", 600));
        var stallTimeout = TimeSpan.FromSeconds(args.Double("settle-timeout", timeout.TotalSeconds));
        var manifestPath = args.String("manifest", Manifest.DefaultPath(run));
        var clock = Stopwatch.StartNew();

        var manifest = await WaitForManifestAsync(manifestPath, timeout, cancellationToken);
        if (manifest.Run != run)
            throw new UsageException($"{manifestPath} belongs to run '{manifest.Run}', not '{run}'");
        var mustFail = manifest.MustFail.Select(t => t.TradeId).ToHashSet();
        var ids = Enumerable.Range(0, manifest.Trades).Select(i => SimulationIds.Trade(run, i)).ToArray();

        await using var dataSource = NpgsqlDataSource.Create(connection);
        var reader = new SettlementReader(dataSource);
        var rows = new Dictionary<Guid, SettlementRow>();
        var waiting = ids;
        var lastChange = clock.Elapsed;
        var lastProgress = TimeSpan.Zero;
        var settledAtLastProgress = 0;
        Log.Information("watch: {Trades} trades of run {Run}, {MustFail} must fail", ids.Length, run, mustFail.Count);

        while (true)
        {
            foreach (var row in await reader.ReadAsync(waiting, cancellationToken))
                rows[row.TradeId] = row;
            var stillWaiting = waiting.Where(id => !rows.TryGetValue(id, out var row) || !row.IsTerminal).ToArray();
            if (stillWaiting.Length < waiting.Length)
                lastChange = clock.Elapsed;
            waiting = stillWaiting;

            if (waiting.Length == 0)
                break;
            if (clock.Elapsed >= timeout)
            {
                Log.Warning("watch: timed out after {Seconds:F0} s with {Waiting} trades not terminal", clock.Elapsed.TotalSeconds, waiting.Length);
                break;
            }

            if (clock.Elapsed - lastChange >= stallTimeout)
            {
                Log.Warning("watch: no trade became terminal for {Seconds:F0} s; {Waiting} are not", stallTimeout.TotalSeconds, waiting.Length);
                break;
            }

            if (clock.Elapsed - lastProgress >= ProgressInterval)
            {
                settledAtLastProgress = ReportProgress(rows.Values, ids.Length, settledAtLastProgress, clock.Elapsed - lastProgress);
                lastProgress = clock.Elapsed;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        var report = WatchReport.From(run, manifest.Trades, mustFail, rows.Values);
        Output.Line(report);
        return report.Succeeded ? 0 : 1;
    }

    /// <summary>Logs the counts so far and the settle rate since the last report; returns the settled count.</summary>
    static int ReportProgress(IReadOnlyCollection<SettlementRow> rows, int trades, int settledBefore, TimeSpan since)
    {
        var settled = rows.Count(r => r.State == SettlementRow.Settled);
        var terminal = rows.Count(r => r.IsTerminal);
        Log.Information("watch: {Settled} settled, {Terminal} of {Trades} terminal, {Rate:F0} settled/s over the last {Seconds:F0} s",
            settled, terminal, trades, (settled - settledBefore) / since.TotalSeconds, since.TotalSeconds);
        return settled;
    }

    /// <summary>The manifest, waiting for <c>publish</c> to write it when <c>watch</c> was started first.</summary>
    static async Task<Manifest> WaitForManifestAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (clock.Elapsed >= timeout)
                throw new UsageException($"no manifest at {path}: run publish first, or pass --manifest");
            await Task.Delay(PollInterval, cancellationToken);
        }

        return await Manifest.ReadAsync(path, cancellationToken);
    }
}
