using System.Text;
using RabbitMQ.Client;

namespace Settlement.Operations.DeadLetters;

/// <summary>A listing: each error queue with its message count, and the messages read, queue by queue in queue order.</summary>
public sealed record DeadLetterListing(IReadOnlyList<ErrorQueueSummary> Queues, IReadOnlyList<DeadLetter> Messages);

/// <param name="Messages">The messages ready in the queue when it was read.</param>
/// <param name="Listed">How many of them the listing shows (at most its limit).</param>
public sealed record ErrorQueueSummary(string Queue, int Messages, int Listed);

public sealed record RetriedMessage(string Queue, string MessageId, string Destination, string? MessageType, Guid? TradeId);

/// <param name="Moved">The messages moved, in queue order.</param>
/// <param name="StoppedBecause">Why the move stopped before the messages it was asked for, when it did: the message the broker refused stays.</param>
public sealed record RetriedMessages(string Queue, IReadOnlyList<RetriedMessage> Moved, string? StoppedBecause);

/// <summary>One dead letter in full: what the listing shows, every header as text, and the body as it was sent.</summary>
public sealed record DeadLetterMessage(DeadLetter DeadLetter, IReadOnlyList<KeyValuePair<string, string?>> Headers, string Body)
{
    public static DeadLetterMessage Read(DeadLetter deadLetter, BasicGetResult message) => new(
        deadLetter,
        [.. (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => KeyValuePair.Create(h.Key, DeadLetter.HeaderText(h.Value)))],
        Encoding.UTF8.GetString(message.Body.Span));
}

/// <param name="Messages">How many messages the move takes: those in the queue when it started.</param>
/// <param name="Completed">False when the shovel was still moving them when the answer was given.</param>
/// <param name="Shovel">The dynamic shovel's name, to follow it in the management UI (Admin → Shovel Status).</param>
public sealed record RetriedQueue(string Queue, string Destination, uint Messages, bool Completed, string? Shovel);

public enum DeadLetterProblemKind
{
    NotAnErrorQueue,
    UnknownQueue,
    UnknownMessage,
    Conflict,
    BrokerRefused,
}

public sealed record DeadLetterProblem(DeadLetterProblemKind Kind, string Detail);

/// <summary>A result, or the problem that prevented it.</summary>
public readonly record struct Outcome<T>(T? Value, DeadLetterProblem? Problem)
    where T : class
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(DeadLetterProblem problem) => new(null, problem);
}
