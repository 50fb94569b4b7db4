using System.Globalization;

namespace Settlement.Simulator.Timeline;

/// <summary>
/// One span as the host's <c>Observability:TraceFile</c> writes it (a tab-separated line, times in microseconds). Start
/// and end are in milliseconds since the Unix epoch.
/// </summary>
public sealed record SpanRecord(
    string SpanId,
    string ParentId,
    string Source,
    string Name,
    double Start,
    double Duration,
    string MessageId,
    string InitiatorId,
    string SagaId,
    string MessageType,
    IReadOnlyList<string> Links,
    string Detail)
{
    public double End => Start + Duration;

    /// <summary>The spans of a trace file; lines that do not have every column are skipped.</summary>
    public static IEnumerable<SpanRecord> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Split('\t') ?? [];
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i
            : throw new InvalidDataException($"{path} has no column {name}: is it a trace file of Observability:TraceFile?");
        int span = Column("span_id"), parent = Column("parent_span_id"), source = Column("source"), name = Column("name"),
            start = Column("start_us"), duration = Column("duration_us"), message = Column("message_id"),
            initiator = Column("initiator_id"), saga = Column("saga_id"), type = Column("message_type"), links = Column("links"),
            detail = Column("detail");

        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            if (fields.Length < header.Length)
                continue;
            yield return new SpanRecord(fields[span], fields[parent], fields[source], fields[name],
                Milliseconds(fields[start]), Milliseconds(fields[duration]), fields[message], fields[initiator], fields[saga],
                fields[type], fields[links].Length == 0 ? [] : fields[links].Split(','), fields[detail]);
        }
    }

    static double Milliseconds(string microseconds) => long.Parse(microseconds, CultureInfo.InvariantCulture) / 1000.0;
}
