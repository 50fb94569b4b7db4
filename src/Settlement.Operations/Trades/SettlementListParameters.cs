using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using MassTransit;
using Settlement.Orchestration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;

namespace Settlement.Operations.Trades;

/// <summary>
/// The query of <c>GET /api/settlements</c> and of the console's trade list, as sent: <c>status</c>, <c>state</c>,
/// <c>olderThan</c>, <c>after</c>, <c>pageSize</c>. <see cref="TryGetQuery"/> turns it into a <see cref="SettlementListQuery"/>
/// or says what is wrong.
/// </summary>
public sealed partial record SettlementListParameters(string? Status, string? State, string? OlderThan, string? After, string? PageSize)
{
    public const int DefaultPageSize = 50;

    public static readonly IReadOnlyList<string> Statuses = [SettlementStatus.Pending, SettlementStatus.Settled, SettlementStatus.Failed];

    /// <summary>
    /// The states a record can be in: the machine's own <see cref="MassTransit.State"/> properties, which MassTransit names after the
    /// property (Initial and Final are its base class's; no record rests in them). Read from the type, not from an instance:
    /// the machine is registered only in processes that run the saga, and the API runs in every process.
    /// </summary>
    public static readonly IReadOnlyList<string> States =
    [
        .. typeof(SettlementStateMachine).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.PropertyType == typeof(State)).Select(p => p.Name),
    ];

    [GeneratedRegex("^([0-9]{1,6})(s|m|h|d)$")]
    private static partial Regex ShortDuration();

    /// <summary>
    /// The query, or false and everything that is wrong with it. Status and state match case-insensitively
    /// (<see cref="States"/> are the state machine's names); a duration in <c>olderThan</c> counts back from <paramref name="now"/>.
    /// </summary>
    public bool TryGetQuery(DateTimeOffset now, out SettlementListQuery query, out string? problem)
    {
        List<string> problems = [];

        var status = Status is null ? null : Statuses.FirstOrDefault(s => s.Equals(Status, StringComparison.OrdinalIgnoreCase));
        if (Status is not null && status is null)
            problems.Add($"status '{EchoedText.Of(Status)}' is not one of {string.Join(", ", Statuses)}.");

        var state = State is null ? null : States.FirstOrDefault(s => s.Equals(State, StringComparison.OrdinalIgnoreCase));
        if (State is not null && state is null)
            problems.Add($"state '{EchoedText.Of(State)}' is not one of {string.Join(", ", States)}.");

        var updatedBefore = OlderThan is null ? null : ParseOlderThan(OlderThan, now);
        if (OlderThan is not null && updatedBefore is null)
            problems.Add($"olderThan '{EchoedText.Of(OlderThan)}' is neither an ISO-8601 time (2025-06-01T12:00:00Z), an ISO-8601 duration (PT10M) " +
                         "nor a duration like 90s, 10m, 2h or 1d.");

        var after = After is null ? null : DecodeCursor(After);
        if (After is not null && after is null)
            problems.Add($"after '{EchoedText.Of(After)}' is not the 'next' of a page this API returned.");

        var pageSize = DefaultPageSize;
        if (PageSize is not null && !(int.TryParse(PageSize, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize)
                                      && pageSize is >= 1 and <= SettlementRecords.MaxPageSize))
            problems.Add($"pageSize '{EchoedText.Of(PageSize)}' is not a whole number from 1 to {SettlementRecords.MaxPageSize}.");

        query = new SettlementListQuery { Status = status, State = state, UpdatedBefore = updatedBefore, After = after, PageSize = pageSize };
        problem = problems.Count == 0 ? null : string.Join(" ", problems);
        return problem is null;
    }

    /// <summary>The opaque <c>next</c> of a page: base64url of the last record's update time (UTC ticks) and trade id.</summary>
    public static string EncodeCursor(SettlementCursor cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{cursor.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{cursor.TradeId:N}"));

    static SettlementCursor? DecodeCursor(string text)
    {
        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, buffer, out var length))
            return null;
        var parts = Encoding.UTF8.GetString(buffer, 0, length).Split('_');
        return parts.Length == 2
               && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
               && ticks <= DateTimeOffset.MaxValue.UtcTicks
               && Guid.TryParseExact(parts[1], "N", out var tradeId)
            ? new SettlementCursor(new DateTimeOffset(ticks, TimeSpan.Zero), tradeId)
            : null;
    }

    /// <summary>A time (ISO 8601; UTC unless it has an offset), or now minus a duration (ISO 8601 <c>PT10M</c>, or <c>10m</c>).</summary>
    static DateTimeOffset? ParseOlderThan(string text, DateTimeOffset now)
    {
        if (ShortDuration().Match(text) is { Success: true } match)
        {
            var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return Before(now, match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            });
        }

        if (text.StartsWith('P'))
        {
            try
            {
                return Before(now, XmlConvert.ToTimeSpan(text));
            }
            catch (Exception exception) when (exception is FormatException or OverflowException)
            {
                return null;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    static DateTimeOffset? Before(DateTimeOffset now, TimeSpan duration) =>
        duration >= TimeSpan.Zero && duration <= now - DateTimeOffset.MinValue ? now - duration : null;
}
