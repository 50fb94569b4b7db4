using Serilog;
using Settlement.Simulator.Market;
using Settlement.Simulator.Publishing;

namespace Settlement.Simulator.Cli;

/// <summary>
/// <c>publish</c>: generates the run's trades, writes the manifest (so <c>watch</c> can start at once), publishes them at
/// the target rate and writes the manifest again with the publishing window and achieved rate.
/// </summary>
public static class PublishCommand
{
    public static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("run", "trades", "rate", "fail-share", "users", "hot-share", "hot-trade-share", "seed", "rabbit",
            "manifest", "in-flight");
        // The defaults are MarketOptions' own.
        var options = new MarketOptions(args.Required("run"), args.Int("trades", 0));
        options = options with
        {
            Users = args.Int("users", options.Users),
            FailShare = args.Double("fail-share", options.FailShare),
            HotShare = args.Double("hot-share", options.HotShare),
            HotTradeShare = args.Double("hot-trade-share", options.HotTradeShare),
            Seed = args.OptionalInt("seed"),
        };
        if (options.Problem() is { } problem)
            throw new UsageException(problem);
        var schedule = new PaceSchedule(args.Double("rate", 0));
        var inFlight = args.Int("in-flight", Defaults.InFlight);
        if (inFlight < 1)
            throw new UsageException("--in-flight must be at least 1");
        var rabbit = args.Uri("rabbit", Defaults.Rabbit);
        var manifestPath = args.String("manifest", Manifest.DefaultPath(options.Run));

        var trades = TradeGenerator.Generate(options).ToArray();
        var manifest = new Manifest
        {
            Run = options.Run,
            Trades = options.Trades,
            ValidTrades = trades.Count(t => t.ExpectedFailure == ExpectedFailure.None),
            Users = options.Users,
            Seed = options.EffectiveSeed,
            FailShare = options.FailShare,
            HotShare = options.HotShare,
            HotTradeShare = options.HotTradeShare,
            TargetRate = schedule.Rate,
            MustFail = trades.Where(t => t.ExpectedFailure != ExpectedFailure.None)
                .Select(t => new Manifest.MustFailTrade(t.TradeId, t.Index, t.Instrument.Symbol, t.ExpectedFailure.ToString(), t.FailureReason!))
                .ToArray(),
            FundedPerTrader = FundingPlan.PerTrader,
            FundedTotals = FundingPlan.Totals(options.Run, options.Users),
        };
        await manifest.WriteAsync(manifestPath, cancellationToken);
        Log.Information("publish: {Trades} trades of run {Run} ({MustFail} must fail) at {Rate}, manifest {Manifest}",
            options.Trades, options.Run, manifest.MustFail.Count, schedule.Unlimited ? "full speed" : $"{schedule.Rate}/s", manifestPath);

        TradePublisher.Result result;
        await using (var bus = await SimulatorBus.StartAsync(rabbit, cancellationToken))
            result = await TradePublisher.PublishAsync(bus.Bus, trades, schedule, inFlight, cancellationToken);

        manifest = manifest with
        {
            PublishStartedAt = result.StartedAt,
            PublishEndedAt = result.EndedAt,
            Published = result.Published,
            AchievedRate = Math.Round(result.AchievedRate, 1),
        };
        await manifest.WriteAsync(manifestPath, cancellationToken);

        Output.Line(new
        {
            manifest.Run,
            manifest.Trades,
            manifest.ValidTrades,
            MustFail = manifest.MustFail.Count,
            MustFailAtBuyerDebit = manifest.MustFail.Count(t => t.FailsAt == nameof(ExpectedFailure.BuyerDebit)),
            MustFailAtSellerDebit = manifest.MustFail.Count(t => t.FailsAt == nameof(ExpectedFailure.SellerDebit)),
            manifest.Published,
            manifest.TargetRate,
            manifest.AchievedRate,
            manifest.PublishStartedAt,
            manifest.PublishEndedAt,
            Seconds = Math.Round(result.Seconds, 3),
            Manifest = manifestPath,
        });
        return result.Published == options.Trades ? 0 : 1;
    }
}
