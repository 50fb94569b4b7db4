using System.Security.Cryptography;
using System.Text;
using Settlement.Operations.DeadLetters;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// Dead letters grouped as an operator triages them: by error queue and by reason (exception type and message), so that
/// one cause is one line and one retry.
/// </summary>
/// <param name="Key">Names the group in a URL or a form: a hash of queue and reason, not the reason itself.</param>
/// <param name="Reason">Exception type and message; null for messages without MassTransit's fault headers.</param>
/// <param name="ReturnQueues">Where a retry sends its messages (each back to the queue it failed on).</param>
public sealed record DeadLetterGroup(
    string Key,
    string Queue,
    string? Reason,
    IReadOnlyList<DeadLetter> Messages,
    IReadOnlyList<string> ReturnQueues,
    DateTimeOffset? Oldest,
    DateTimeOffset? Newest)
{
    public IEnumerable<Guid> TradeIds => Messages.Select(m => m.TradeId).OfType<Guid>().Distinct();

    public IEnumerable<string> MessageTypes => Messages.Select(m => m.MessageType ?? "(unknown type)").Distinct(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="deadLetter"/> belongs to the group with <paramref name="key"/>.</summary>
    public static bool IsIn(DeadLetter deadLetter, string key) => KeyOf(deadLetter.Queue, deadLetter.Reason) == key;

    /// <summary>The listing's messages in groups, the largest first.</summary>
    public static IReadOnlyList<DeadLetterGroup> Of(DeadLetterListing listing) =>
    [
        .. listing.Messages
            .GroupBy(m => (m.Queue, m.Reason))
            .Select(g => new DeadLetterGroup(
                KeyOf(g.Key.Queue, g.Key.Reason), g.Key.Queue, g.Key.Reason, [.. g],
                [.. g.Select(m => m.ReturnQueue).Distinct(StringComparer.Ordinal)],
                g.Min(m => m.FaultedAt), g.Max(m => m.FaultedAt)))
            .OrderByDescending(g => g.Messages.Count).ThenBy(g => g.Queue, StringComparer.Ordinal),
    ];

    static string KeyOf(string queue, string? reason) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{queue}\n{reason}")))[..24];
}
