using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenTelemetry;

namespace Settlement.Host.Observability;

/// <summary>
/// Writes every finished span to a file, one tab-separated line each (<see cref="Columns"/>), for the hop-by-hop timeline
/// of a trade that <c>deploy/timeline.sh</c> reads back (<c>Settlement.Simulator timeline</c>). Turned on by
/// <c>Observability:TraceFile</c>; a load-test tool, not a production exporter: it keeps every span.
/// </summary>
public sealed class SpanFileExporter : BaseExporter<Activity>
{
    /// <summary>The columns of a line, in order; times in microseconds (start since the Unix epoch).</summary>
    public static readonly string[] Columns =
    [
        "trace_id", "span_id", "parent_span_id", "source", "name", "start_us", "duration_us",
        "message_id", "initiator_id", "saga_id", "message_type", "links", "detail",
    ];

    readonly StreamWriter _writer;

    public SpanFileExporter(string path)
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        if (stream.Length == 0)
            _writer.WriteLine(string.Join('\t', Columns));
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var line = new StringBuilder(256);
        foreach (var activity in batch)
        {
            line.Clear();
            Append(line, activity.TraceId.ToHexString());
            Append(line, activity.SpanId.ToHexString());
            Append(line, activity.ParentSpanId == default ? string.Empty : activity.ParentSpanId.ToHexString());
            Append(line, activity.Source.Name);
            Append(line, activity.DisplayName);
            Append(line, Microseconds(activity.StartTimeUtc - DateTime.UnixEpoch));
            Append(line, Microseconds(activity.Duration));
            Append(line, Tag(activity, "messaging.masstransit.message_id") ?? Tag(activity, "messaging.message.id"));
            Append(line, Tag(activity, "messaging.masstransit.initiator_id"));
            Append(line, Tag(activity, "messaging.masstransit.saga_id"));
            Append(line, FirstMessageType(Tag(activity, "messaging.masstransit.message_types")));
            Append(line, string.Join(',', activity.Links.Select(link => link.Context.SpanId.ToHexString())));
            line.Append(Clean(Detail(activity)));
            _writer.WriteLine(line);
        }

        return ExportResult.Success;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        _writer.Flush();
        return true;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _writer.Dispose();
        return true;
    }

    static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    /// <summary>What the span did beyond its name: a database statement's first words, or the saga's state change.</summary>
    static string? Detail(Activity activity)
    {
        if ((Tag(activity, "db.query.text") ?? Tag(activity, "db.statement")) is { } statement)
            return statement.Length > 80 ? statement[..80] : statement;
        if (Tag(activity, "messaging.masstransit.begin_state") is { } begin)
            return $"{begin}->{Tag(activity, "messaging.masstransit.end_state")}";
        return Tag(activity, "settlement.detail");
    }

    static string? FirstMessageType(string? types) =>
        types?.Split(',')[0] is { } urn ? urn[(urn.LastIndexOf(':') + 1)..] : null;

    static void Append(StringBuilder line, string? value) => line.Append(Clean(value)).Append('\t');

    static string Microseconds(TimeSpan span) => (span.Ticks / 10).ToString(CultureInfo.InvariantCulture);

    static string Clean(string? value) =>
        value is null ? string.Empty : value.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
