using System.Diagnostics.Metrics;
using Settlement.Host.Observability.Prometheus;

namespace Settlement.UnitTests.Observability;

public sealed class PrometheusTextFormatTests : IDisposable
{
    // A meter name of its own per test: the collector listens to every meter of that name in the process.
    readonly Meter _meter = new($"Test.Prometheus.{Guid.NewGuid():N}");
    readonly MetricsCollector _collector;

    public PrometheusTextFormatTests() => _collector = new MetricsCollector([_meter.Name], scope: null);

    [Fact]
    public void A_counter_is_written_with_help_type_total_suffix_and_one_sample_per_label_set()
    {
        var counter = _meter.CreateCounter<long>("orders", description: "Orders seen");
        counter.Add(2, new KeyValuePair<string, object?>("side", "buy"));
        counter.Add(3, new KeyValuePair<string, object?>("side", "buy"));
        counter.Add(1, new KeyValuePair<string, object?>("side", "sell"));

        Assert.Equal(
            """
            # HELP orders_total Orders seen
            # TYPE orders_total counter
            orders_total{side="buy"} 5
            orders_total{side="sell"} 1

            """.ReplaceLineEndings("\n"),
            _collector.Collect());
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_up_to_plus_Inf_a_sum_and_a_count()
    {
        var histogram = _meter.CreateHistogram("wait_seconds", "s", "Waits", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1, 10] });
        foreach (var value in new[] { 0.125, 0.25, 0.5, 20 })
            histogram.Record(value, new KeyValuePair<string, object?>("queue", "wallet"));

        Assert.Equal(
            """
            # HELP wait_seconds Waits
            # TYPE wait_seconds histogram
            wait_seconds_bucket{queue="wallet",le="0.25"} 2
            wait_seconds_bucket{queue="wallet",le="1"} 3
            wait_seconds_bucket{queue="wallet",le="10"} 3
            wait_seconds_bucket{queue="wallet",le="+Inf"} 4
            wait_seconds_sum{queue="wallet"} 20.875
            wait_seconds_count{queue="wallet"} 4

            """.ReplaceLineEndings("\n"),
            _collector.Collect());
    }

    [Fact]
    public void A_histogram_without_labels_or_advice_uses_default_buckets_and_names_its_unit()
    {
        _meter.CreateHistogram<double>("messaging.consume.duration", "ms").Record(7);

        var text = _collector.Collect();

        Assert.Contains("# TYPE messaging_consume_duration_milliseconds histogram\n", text);
        Assert.Contains("messaging_consume_duration_milliseconds_bucket{le=\"5\"} 0\n", text);
        Assert.Contains("messaging_consume_duration_milliseconds_bucket{le=\"10\"} 1\n", text);
        Assert.Contains("messaging_consume_duration_milliseconds_bucket{le=\"+Inf\"} 1\n", text);
        Assert.Contains("messaging_consume_duration_milliseconds_sum 7\n", text);
        Assert.Contains("messaging_consume_duration_milliseconds_count 1\n", text);
    }

    [Fact]
    public void An_observable_gauge_with_labels_reports_only_what_its_callback_returns_at_each_collection()
    {
        var depths = new Dictionary<string, long> { ["wallet_error"] = 3, ["settlement_error"] = 0 };
        _meter.CreateObservableGauge("dead_letters",
            () => depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("queue", d.Key))),
            description: "Dead letters");

        Assert.Equal(
            """
            # HELP dead_letters Dead letters
            # TYPE dead_letters gauge
            dead_letters{queue="settlement_error"} 0
            dead_letters{queue="wallet_error"} 3

            """.ReplaceLineEndings("\n"),
            _collector.Collect());

        depths.Remove("settlement_error");
        depths["wallet_error"] = 1;
        var next = _collector.Collect();

        Assert.DoesNotContain("settlement_error", next);
        Assert.Contains("dead_letters{queue=\"wallet_error\"} 1\n", next);
    }

    [Fact]
    public void Label_values_and_help_are_escaped_and_names_are_sanitized()
    {
        var counter = _meter.CreateCounter<int>("odd.name-with:colon", description: "Back\\slash and\nnew line");
        counter.Add(1, new KeyValuePair<string, object?>("path", "C:\\dir \"quoted\"\nnext"), new KeyValuePair<string, object?>("9.bad-key", 1.5));

        var text = _collector.Collect();

        Assert.Contains("# HELP odd_name_with:colon_total Back\\\\slash and\\nnew line\n", text);
        Assert.Contains("odd_name_with:colon_total{_9_bad_key=\"1.5\",path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1\n", text);
    }

    [Fact]
    public void Tags_in_another_order_are_the_same_series()
    {
        var counter = _meter.CreateCounter<long>("hits");
        counter.Add(1, new("a", "1"), new("b", "2"));
        counter.Add(1, new("b", "2"), new("a", "1"));

        Assert.Equal(2, Samples.Value(_collector.Collect(), "hits_total{a=\"1\",b=\"2\"}"));
    }

    [Fact]
    public void Up_down_counters_and_MassTransit_active_counters_are_gauges()
    {
        var inFlight = _meter.CreateUpDownCounter<long>("in_flight");
        inFlight.Add(3);
        inFlight.Add(-1);
        var active = _meter.CreateCounter<long>("messaging.masstransit.consume.active");
        active.Add(1);
        active.Add(-1);

        var text = _collector.Collect();

        Assert.Contains("# TYPE in_flight gauge\nin_flight 2\n", text);
        Assert.Contains("# TYPE messaging_masstransit_consume_active gauge\nmessaging_masstransit_consume_active 0\n", text);
    }

    [Fact]
    public void Meters_of_another_scope_or_name_are_not_collected()
    {
        using var other = new Meter($"Test.Other.{Guid.NewGuid():N}");
        other.CreateCounter<long>("elsewhere").Add(1);
        using var scoped = new Meter(new MeterOptions(_meter.Name) { Scope = new object() });
        scoped.CreateCounter<long>("another_host").Add(1);

        var text = _collector.Collect();

        Assert.DoesNotContain("elsewhere", text);
        Assert.DoesNotContain("another_host", text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e-7, "1E-07")]
    public void Sample_values_are_written_as_Prometheus_reads_them(double value, string expected) =>
        Assert.Equal(expected, PrometheusText.FormatValue(value));

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }
}
