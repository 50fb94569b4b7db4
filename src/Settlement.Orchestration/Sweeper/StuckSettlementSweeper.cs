using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;

namespace Settlement.Orchestration.Sweeper;

/// <summary>
/// Finds trades that waited longer than the step timeout for a wallet answer (a lost message, a crash between commit and
/// send, a wallet that was down) and asks each saga to send its awaited command again. Safe to run in every instance:
/// the wallet applies an operation id once, and a resend refreshes the record's age. While more than
/// <see cref="BacklogLimit"/> messages are queued for the saga and the wallet (<see cref="ISettlementBacklog"/>, when the
/// host provides one) it resends nothing: the waiting trades are in line, and resends would lengthen the line.
/// </summary>
public sealed class StuckSettlementSweeper(
    SettlementRecords records,
    IBus bus,
    IOptions<SettlementOptions> options,
    ILogger<StuckSettlementSweeper> logger,
    ISettlementBacklog? backlog = null) : BackgroundService
{
    /// <summary>Resends per sweep at most, so a large backlog is worked off in steps rather than flooding the broker.</summary>
    public const int BatchSize = 500;

    /// <summary>Queued messages above which a sweep resends nothing.</summary>
    public const int BacklogLimit = 1000;

    static readonly Meter Meter = new("Settlement");
    static readonly Counter<long> Resends = Meter.CreateCounter<long>("settlement_stuck_resends_total", description: "Stuck trades whose command was sent again");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var period = TimeSpan.FromTicks(Math.Max(settings.StepTimeout.Ticks / 2, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A sweep gets the step timeout at most. A send can wait for ever for the confirm of a channel lost with a
                // broker node (RabbitMQ's client 7.2.2), whatever its token says: such a sweep is left behind, not awaited.
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                deadline.CancelAfter(settings.StepTimeout);
                await SweepAsync(deadline.Token).WaitAsync(deadline.Token);
            }
            // Only the host's stop ends the loop. A send cancelled by the transport (a channel closed while a broker node
            // died) or given up at the deadline is a failed sweep like any other: had it escaped, the sweeper would be gone
            // for the process's life, and a trade whose message was lost would wait for ever.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Sweep for stuck settlements failed; trying again in {Period}", period);
            }
        }
    }

    /// <summary>One sweep: returns how many trades were asked to resend.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (backlog is not null && await backlog.QueuedMessagesAsync(cancellationToken) is > BacklogLimit and var queued)
        {
            logger.LogInformation("{Queued} messages are queued for the saga and the wallet: trades waiting past {StepTimeout} are in line, none is resent",
                queued, settings.StepTimeout);
            return 0;
        }

        var stuck = await records.ListWaitingSinceAsync(DateTimeOffset.UtcNow - settings.StepTimeout, BatchSize, cancellationToken);
        if (stuck.Count == 0)
            return 0;

        // exchange:, not queue:, so a quorum queue is not declared again as a classic one (see SendToWallet).
        var saga = await bus.GetSendEndpoint(new Uri($"exchange:{settings.QueueName}"));
        foreach (var tradeId in stuck)
            await saga.Send(new ResendSettlementStep { TradeId = tradeId }, cancellationToken);

        Resends.Add(stuck.Count);
        logger.LogWarning("{Count} settlements waited longer than {StepTimeout}: their commands are sent again (first: {TradeId})",
            stuck.Count, settings.StepTimeout, stuck[0]);
        return stuck.Count;
    }
}
