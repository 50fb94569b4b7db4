using Microsoft.Extensions.Options;
using Settlement.Operations.DeadLetters;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// What the overview shows, read from the settlement records and the broker's queue depths (the sources of the service's
/// gauges and alerts). A source that cannot be read leaves its part empty with the reason, and the rest is still shown.
/// </summary>
public sealed class OverviewReader(SettlementRecords records, SettlementActivity activity, BrokerManagementClient management,
    IOptions<SettlementOptions> settlement, IOptions<ConsoleOptions> options, ILogger<OverviewReader> logger)
{
    /// <summary>SettlementFailureRateHigh fires above this share of failed outcomes over 5 minutes (deploy/prometheus/alerts.yml).</summary>
    public const decimal FailureRateAlertThreshold = 0.05m;

    public static readonly TimeSpan ChartWindow = TimeSpan.FromHours(1);
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(5);

    public async Task<Overview> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stepTimeout = settlement.Value.StepTimeout;
        var counts = await records.CountByStatusAndStateAsync(cancellationToken);
        var perMinute = await activity.OutcomesPerMinuteAsync(now - ChartWindow, cancellationToken);
        var latency = await activity.LatencyAsync(now - RateWindow, cancellationToken);
        var stuck = await records.CountWaitingSinceAsync(now - stepTimeout, cancellationToken);

        var recent = perMinute.Where(m => m.Minute >= now - RateWindow).ToList();
        var (settled, failed) = (recent.Sum(m => m.Settled), recent.Sum(m => m.Failed));
        decimal? failureRate = settled + failed == 0 ? null : (decimal)failed / (settled + failed);

        IReadOnlyDictionary<string, long>? deadLetters = null;
        string? brokerProblem = null;
        try
        {
            deadLetters = (await management.QueueDepthsAsync(cancellationToken))
                .Where(q => q.Key.EndsWith(DeadLetter.ErrorQueueSuffix, StringComparison.Ordinal))
                .OrderBy(q => q.Key, StringComparer.Ordinal)
                .ToDictionary();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning(exception, "The console's overview could not read the queue depths");
            brokerProblem = $"RabbitMQ's management API did not answer: {exception.Message}";
        }

        return new Overview(now, counts, perMinute, failureRate, settled + failed, latency, stuck, stepTimeout,
            deadLetters, brokerProblem, options.Value.DeadLetterAlertThreshold);
    }
}

/// <param name="FailureRate">Failed among the outcomes of the last <see cref="OverviewReader.RateWindow"/>; null when there was none.</param>
/// <param name="Outcomes">How many outcomes the failure rate is of.</param>
/// <param name="Stuck">Trades waiting for a wallet answer for longer than <paramref name="StepTimeout"/>.</param>
/// <param name="DeadLetters">Messages in each error queue; null when the broker could not be read (<paramref name="BrokerProblem"/>).</param>
public sealed record Overview(
    DateTimeOffset ReadAt,
    IReadOnlyList<StatusStateCount> Counts,
    IReadOnlyList<MinuteOutcomes> PerMinute,
    decimal? FailureRate,
    int Outcomes,
    SettlementLatency? Latency,
    int Stuck,
    TimeSpan StepTimeout,
    IReadOnlyDictionary<string, long>? DeadLetters,
    string? BrokerProblem,
    int DeadLetterAlertThreshold);
