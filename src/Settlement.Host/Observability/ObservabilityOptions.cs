using System.ComponentModel.DataAnnotations;

namespace Settlement.Host.Observability;

/// <summary>How <c>/metrics</c> reads its slow sources, bound from the configuration section <c>Observability</c>.</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>How long saga counts (PostgreSQL) and queue depths (RabbitMQ management API) are reused between scrapes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a scrape waits for one source before it leaves that source's samples out.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SourceTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Dead letters in one queue above which operators are alerted. Exported as
    /// <c>settlement_dead_letter_alert_threshold</c>, which the SettlementDeadLetters alert compares against.
    /// </summary>
    [Range(0, 1_000_000)]
    public int DeadLetterAlertThreshold { get; set; } = 10;
}
