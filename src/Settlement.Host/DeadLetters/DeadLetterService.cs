using RabbitMQ.Client.Exceptions;

namespace Settlement.Host.DeadLetters;

/// <summary>
/// The dead letters of the service's virtual host: messages MassTransit moved to an <c>*_error</c> queue after their retries.
/// Lists them without taking them out of their queues, and moves one or all back to the queue they failed on.
/// </summary>
public sealed class DeadLetterService(ErrorQueueBroker broker, BrokerManagementClient management, ILogger<DeadLetterService> logger)
{
    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1000;

    /// <summary>How long a retry of a whole queue waits for its shovel to finish before it answers that the move is under way.</summary>
    static readonly TimeSpan MoveWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Up to <paramref name="limit"/> messages of each error queue (or of <paramref name="queue"/>), in queue order. They are
    /// held while they are read and all go back to their places afterwards, so a listing never loses or reorders one.
    /// </summary>
    public async Task<Outcome<DeadLetterListing>> ListAsync(string? queue, int limit, CancellationToken cancellationToken)
    {
        var queues = ErrorQueues(await management.QueueNamesAsync(cancellationToken));
        if (queue is not null)
        {
            if (Problem(queue, queues) is { } problem)
                return problem;
            queues = [queue];
        }

        List<DeadLetter> messages = [];
        List<ErrorQueueSummary> summaries = [];
        await using (var session = await broker.OpenAsync(cancellationToken))
        {
            foreach (var name in queues)
            {
                var (listed, remaining) = (0, 0u);
                while (listed < limit && await session.TakeAsync(name, cancellationToken) is { } message)
                {
                    messages.Add(DeadLetter.Read(name, message));
                    (listed, remaining) = (listed + 1, message.MessageCount);
                }

                summaries.Add(new ErrorQueueSummary(name, listed + (int)remaining, listed));
            }
        }

        return new DeadLetterListing(summaries, messages);
    }

    /// <summary>
    /// Moves the first message with <paramref name="messageId"/> back to the queue it failed on. The messages ahead of it are
    /// held until it is moved and then go back to their places; the ones behind it are never touched.
    /// </summary>
    public async Task<Outcome<RetriedMessage>> RetryAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        if (Problem(queue, ErrorQueues(await management.QueueNamesAsync(cancellationToken))) is { } problem)
            return problem;

        await using var session = await broker.OpenAsync(cancellationToken);
        while (await session.TakeAsync(queue, cancellationToken) is { } message)
        {
            var deadLetter = DeadLetter.Read(queue, message);
            if (deadLetter.MessageId != messageId)
                continue;

            try
            {
                await session.ForwardAsync(message, deadLetter.ReturnQueue, DeadLetter.PropertiesForRetry(message), cancellationToken);
            }
            catch (PublishException refused)
            {
                return new DeadLetterProblem(DeadLetterProblemKind.Conflict, refused.IsReturn
                    ? $"Message {messageId} stays in {queue}: its queue {deadLetter.ReturnQueue} does not exist."
                    : $"Message {messageId} stays in {queue}: the broker refused it in {deadLetter.ReturnQueue}.");
            }

            logger.LogWarning("Dead letter {MessageId} ({MessageType} of trade {TradeId}) moved from {Queue} back to {Destination} by an operator",
                messageId, deadLetter.MessageType, deadLetter.TradeId, queue, deadLetter.ReturnQueue);
            return new RetriedMessage(queue, messageId, deadLetter.ReturnQueue, deadLetter.MessageType, deadLetter.TradeId);
        }

        return new DeadLetterProblem(DeadLetterProblemKind.UnknownMessage, $"There is no message {messageId} in {queue}.");
    }

    /// <summary>
    /// Moves the messages in <paramref name="queue"/> now back to the queue of its name without <c>_error</c>, in order, by a
    /// dynamic shovel that moves exactly that many and then deletes itself: what the management UI's "Move messages" does,
    /// but counted. The shovel runs in the broker, so the move completes even if this process stops.
    /// </summary>
    public async Task<Outcome<RetriedQueue>> RetryAllAsync(string queue, CancellationToken cancellationToken)
    {
        var names = await management.QueueNamesAsync(cancellationToken);
        if (Problem(queue, ErrorQueues(names)) is { } problem)
            return problem;
        var destination = queue[..^DeadLetter.ErrorQueueSuffix.Length];
        if (!names.Contains(destination))
            return new DeadLetterProblem(DeadLetterProblemKind.Conflict, $"The messages stay in {queue}: its queue {destination} does not exist.");

        var shovel = $"Retry all of {queue}";
        await using var session = await broker.OpenAsync(cancellationToken);
        if (await management.ShovelExistsAsync(shovel, cancellationToken))
            return new DeadLetterProblem(DeadLetterProblemKind.Conflict, $"The shovel \"{shovel}\" is still moving the messages of {queue}.");

        var count = await session.ReadyCountAsync(queue, cancellationToken);
        if (count == 0)
            return new RetriedQueue(queue, destination, 0, Completed: true, Shovel: null);

        try
        {
            await management.StartMoveAsync(shovel, queue, destination, count, cancellationToken);
        }
        catch (HttpRequestException refused) when (refused.StatusCode is not null)
        {
            return new DeadLetterProblem(DeadLetterProblemKind.BrokerRefused, refused.Message);
        }

        logger.LogWarning("An operator is moving {Count} dead letters from {Queue} back to {Destination} (shovel {Shovel})", count, queue, destination, shovel);
        var completed = await FinishesSoonAsync(shovel, cancellationToken);
        return new RetriedQueue(queue, destination, count, completed, shovel);
    }

    /// <summary>Whether the shovel finished (deleted itself) within <see cref="MoveWait"/>; it goes on either way.</summary>
    async Task<bool> FinishesSoonAsync(string shovel, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + MoveWait;
        while (await management.ShovelExistsAsync(shovel, cancellationToken))
        {
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return true;
    }

    /// <summary>The error queues among <paramref name="queues"/>, by name.</summary>
    static List<string> ErrorQueues(IEnumerable<string> queues) =>
        [.. queues.Where(IsErrorQueueName).Order(StringComparer.Ordinal)];

    static bool IsErrorQueueName(string queue) =>
        queue.Length > DeadLetter.ErrorQueueSuffix.Length && queue.EndsWith(DeadLetter.ErrorQueueSuffix, StringComparison.Ordinal);

    static DeadLetterProblem? Problem(string queue, List<string> errorQueues) =>
        !IsErrorQueueName(queue)
            ? new DeadLetterProblem(DeadLetterProblemKind.NotAnErrorQueue, $"{queue} is not an error queue: their names end with {DeadLetter.ErrorQueueSuffix}.")
            : !errorQueues.Contains(queue)
                ? new DeadLetterProblem(DeadLetterProblemKind.UnknownQueue, $"There is no queue {queue} in the service's virtual host.")
                : null;
}

/// <summary>A listing: each error queue with its message count, and the messages read, queue by queue in queue order.</summary>
public sealed record DeadLetterListing(IReadOnlyList<ErrorQueueSummary> Queues, IReadOnlyList<DeadLetter> Messages);

/// <param name="Messages">The messages ready in the queue when it was read.</param>
/// <param name="Listed">How many of them the listing shows (at most its limit).</param>
public sealed record ErrorQueueSummary(string Queue, int Messages, int Listed);

public sealed record RetriedMessage(string Queue, string MessageId, string Destination, string? MessageType, Guid? TradeId);

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
