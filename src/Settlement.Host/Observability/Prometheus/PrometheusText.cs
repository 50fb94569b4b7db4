using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Settlement.Host.Observability.Prometheus;

/// <summary>
/// The rules of Prometheus' text exposition format 0.0.4 that <see cref="MetricsCollector"/> writes by:
/// metric and label names, label value and HELP escaping, and sample values.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// The exported name of an instrument: characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>, the unit is appended
    /// for seconds, milliseconds and bytes, and a counter ends in <c>_total</c>.
    /// <c>messaging.masstransit.consume.duration</c> in ms becomes <c>messaging_masstransit_consume_duration_milliseconds</c>.
    /// </summary>
    public static string MetricName(Instrument instrument, bool isCounter)
    {
        var name = Sanitize(instrument.Name, allowColon: true);
        var unitSuffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => null,
        };
        if (unitSuffix is not null && !name.EndsWith(unitSuffix, StringComparison.Ordinal))
            name += unitSuffix;
        if (isCounter && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    /// <summary>A label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary>A label value between double quotes: backslash, double quote and line feed are escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A HELP text: backslash and line feed are escaped.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value: invariant culture, round-trippable, <c>+Inf</c>, <c>-Inf</c> and <c>NaN</c> spelled as Prometheus does.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The label set of a measurement, sorted by name so that the same tags in another order are the same series:
    /// <c>outcome="settled",queue="wallet"</c>, or empty without tags.
    /// </summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
            return string.Empty;

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var labels = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            if (labels.Length > 0)
                labels.Append(',');
            labels.Append(LabelName(key)).Append("=\"")
                .Append(EscapeLabelValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty)).Append('"');
        }

        return labels.ToString();
    }

    static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            result.Append('_');
        foreach (var c in name)
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        return result.ToString();
    }
}
