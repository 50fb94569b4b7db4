using RabbitMQ.Client.Exceptions;

namespace Settlement.Operations.DeadLetters;

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
        var outcome = await RetryWhereAsync(queue, d => d.MessageId == messageId, 1, cancellationToken);
        if (outcome.Problem is { } problem)
            return problem;
        return outcome.Value! switch
        {
            { Moved: [var moved] } => moved,
            { StoppedBecause: { } refused } => new DeadLetterProblem(DeadLetterProblemKind.Conflict, refused),
            _ => new DeadLetterProblem(DeadLetterProblemKind.UnknownMessage, $"There is no message {messageId} in {queue}."),
        };
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> messages of <paramref name="queue"/> that <paramref name="selected"/> picks, one by
    /// one and in queue order, each back to the queue it failed on; the others go back to their places. It stops at the
    /// first message the broker refuses, which stays where it was, and says why.
    /// </summary>
    public async Task<Outcome<RetriedMessages>> RetryWhereAsync(
        string queue, Func<DeadLetter, bool> selected, int max, CancellationToken cancellationToken)
    {
        if (Problem(queue, ErrorQueues(await management.QueueNamesAsync(cancellationToken))) is { } problem)
            return problem;

        List<RetriedMessage> moved = [];
        await using var session = await broker.OpenAsync(cancellationToken);
        while (moved.Count < max && await session.TakeAsync(queue, cancellationToken) is { } message)
        {
            var deadLetter = DeadLetter.Read(queue, message);
            if (!selected(deadLetter))
                continue;

            try
            {
                await session.ForwardAsync(message, deadLetter.ReturnQueue, DeadLetter.PropertiesForRetry(message), cancellationToken);
            }
            catch (PublishException refused)
            {
                return new RetriedMessages(queue, moved, refused.IsReturn
                    ? $"Message {deadLetter.MessageId} stays in {queue}: its queue {deadLetter.ReturnQueue} does not exist."
                    : $"Message {deadLetter.MessageId} stays in {queue}: the broker refused it in {deadLetter.ReturnQueue}.");
            }

            logger.LogWarning("Dead letter {MessageId} ({MessageType} of trade {TradeId}) moved from {Queue} back to {Destination} by an operator",
                deadLetter.MessageId, deadLetter.MessageType, deadLetter.TradeId, queue, deadLetter.ReturnQueue);
            moved.Add(new RetriedMessage(queue, deadLetter.MessageId!, deadLetter.ReturnQueue, deadLetter.MessageType, deadLetter.TradeId));
        }

        return new RetriedMessages(queue, moved, null);
    }

    /// <summary>
    /// The first message with <paramref name="messageId"/> as it lies in <paramref name="queue"/>: its headers and its body
    /// as sent (amounts exactly as written). It is only read: every message goes back to its place.
    /// </summary>
    public async Task<Outcome<DeadLetterMessage>> ReadAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        if (Problem(queue, ErrorQueues(await management.QueueNamesAsync(cancellationToken))) is { } problem)
            return problem;

        await using var session = await broker.OpenAsync(cancellationToken);
        while (await session.TakeAsync(queue, cancellationToken) is { } message)
        {
            var deadLetter = DeadLetter.Read(queue, message);
            if (deadLetter.MessageId == messageId)
                return DeadLetterMessage.Read(deadLetter, message);
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
