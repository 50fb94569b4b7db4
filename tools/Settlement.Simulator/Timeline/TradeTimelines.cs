namespace Settlement.Simulator.Timeline;

/// <summary>
/// Follows each trade through the spans of a trace file, hop by hop, and collects how long each part of each hop took.
/// A trade is a chain of messages, each sent while the one before was handled (MassTransit's initiator id): the
/// <c>TradeExecuted</c>, then per leg a wallet command and the wallet's answer. For each message the host's send span
/// (until the broker confirmed it), its receive span, and inside them the saga's transaction (load and lock, state
/// machine, write, commit) or the wallet batch that applied it give the segments of <see cref="Segments"/>.
/// </summary>
public sealed class TradeTimelines
{
    static readonly HashSet<string> Commands = ["DebitBalance", "CreditBalance", "ReverseOperation"];
    static readonly HashSet<string> Answers = ["BalanceDebited", "BalanceCredited", "OperationReversed", "WalletOperationRejected"];

    readonly Dictionary<string, SpanRecord> _byId = [];
    readonly Dictionary<string, List<SpanRecord>> _children = [];
    readonly Dictionary<string, SpanRecord> _receives = [];
    readonly Dictionary<string, List<SpanRecord>> _sentBy = [];
    readonly Dictionary<string, SpanRecord> _batchByLink = [];
    readonly Dictionary<string, string> _startOf = []; // trade id → its TradeExecuted's message id

    /// <summary>Milliseconds per segment, over every hop of every trade followed.</summary>
    public Dictionary<string, List<double>> Segments { get; } = [];

    /// <summary>Trades followed from their first delivery to their last commit.</summary>
    public int Trades { get; private set; }

    public TradeTimelines(IEnumerable<SpanRecord> spans)
    {
        foreach (var span in spans)
        {
            _byId[span.SpanId] = span;
            Add(_children, span.ParentId, span);
            if (span.Source != "MassTransit")
            {
                if (span.Name == "wallet batch")
                    foreach (var link in span.Links)
                        _batchByLink[link] = span;
                continue;
            }

            if (span.Name.EndsWith(" receive", StringComparison.Ordinal) && span.MessageId.Length > 0)
                _receives.TryAdd(span.MessageId, span);
            else if (span.Name.EndsWith(" send", StringComparison.Ordinal) && span.MessageId.Length > 0 && span.InitiatorId.Length > 0)
                Add(_sentBy, span.InitiatorId, span);
            if (span.SagaId.Length > 0 && span.MessageType == "TradeExecuted")
                _startOf.TryAdd(span.SagaId, span.MessageId);
        }
    }

    /// <summary>Follows the trades given (all trades in the file when null).</summary>
    public TradeTimelines Follow(IReadOnlySet<Guid>? tradeIds)
    {
        foreach (var (tradeId, first) in _startOf)
        {
            if (tradeIds is null || (Guid.TryParse(tradeId, out var id) && tradeIds.Contains(id)))
                FollowTrade(first);
        }

        return this;
    }

    void FollowTrade(string firstMessage)
    {
        if (!_receives.TryGetValue(firstMessage, out var firstDelivery))
            return;

        var message = firstMessage;
        var legs = 0;
        while (true)
        {
            if (!_receives.TryGetValue(message, out var delivery) || SagaTransaction(delivery) is not { } transaction)
                return;
            SagaStep(delivery, transaction);
            var command = Sent(message, Commands);
            if (command is null)
            {
                Record("saga: delivered → committed (last step)", transaction.End - delivery.Start);
                Record($"trade: first delivery → last commit ({legs} legs)", transaction.End - firstDelivery.Start);
                Trades++;
                return;
            }

            Record("saga: delivered → command sent", command.Start - delivery.Start);
            Record("saga: transaction end → command sent", command.Start - transaction.End);
            Record("saga: command send until confirmed", command.Duration);
            if (!_receives.TryGetValue(command.MessageId, out var walletDelivery))
                return;
            Record("command: sent → delivered to the wallet", walletDelivery.Start - command.Start);
            var answer = Sent(command.MessageId, Answers);
            if (answer is null)
                return;
            WalletStep(walletDelivery, answer);
            if (!_receives.TryGetValue(answer.MessageId, out var answerDelivery))
                return;
            Record("answer: sent → delivered to the saga", answerDelivery.Start - answer.Start);
            message = answer.MessageId;
            legs++;
        }
    }

    void SagaStep(SpanRecord delivery, SpanRecord transaction)
    {
        Record("saga: delivered → transaction start", transaction.Start - delivery.Start);
        Record("saga: transaction", transaction.Duration);
        double load = 0, write = 0, commit = 0, machine = 0;
        foreach (var child in Children(transaction))
        {
            var text = child.Detail.ToUpperInvariant();
            if (child.Name == "saga commit" || text.StartsWith("COMMIT", StringComparison.Ordinal))
                commit += child.Duration;
            else if (child.Source == "MassTransit")
                machine += child.Duration;
            else if (text.Contains("INSERT INTO SETTLEMENT", StringComparison.Ordinal) || text.Contains("UPDATE SETTLEMENT", StringComparison.Ordinal))
                write += child.Duration;
            else if (child.Source == "Npgsql")
                load += child.Duration;
        }

        Record("saga: transaction: load and lock", load);
        Record("saga: transaction: state machine", machine);
        Record("saga: transaction: write", write);
        Record("saga: transaction: commit", commit);
    }

    void WalletStep(SpanRecord delivery, SpanRecord answer)
    {
        Record("wallet: delivered → answer sent", answer.Start - delivery.Start);
        Record("wallet: answer send until confirmed", answer.Duration);
        if (Batch(delivery, answer) is not { } batch)
            return;
        Record("wallet: delivered → batch start", batch.Start - delivery.Start);
        Record("wallet: batch transaction", batch.Duration);
        Record("wallet: batch transaction: commit", Children(batch).Where(c => c.Name == "wallet commit").Sum(c => c.Duration));
        Record("wallet: batch end → answer sent", answer.Start - batch.End);
        if (int.TryParse(batch.Detail.Split(' ')[0], out var size))
            Record("wallet: commands in the batch", size);
    }

    /// <summary>The batch that applied the command: linked to a span of its delivery, or (MassTransit's Batch) beside its answer.</summary>
    SpanRecord? Batch(SpanRecord delivery, SpanRecord answer)
    {
        foreach (var span in Descendants(delivery))
        {
            if (_batchByLink.TryGetValue(span.SpanId, out var linked))
                return linked;
        }

        return Children(answer.ParentId).FirstOrDefault(c => c.Name == "wallet batch");
    }

    SpanRecord? SagaTransaction(SpanRecord delivery) =>
        Descendants(delivery).FirstOrDefault(s => s.Source != "MassTransit" && s.Name == "saga transaction");

    SpanRecord? Sent(string initiator, HashSet<string> types) =>
        _sentBy.TryGetValue(initiator, out var sent) ? sent.Where(s => types.Contains(s.MessageType)).MinBy(s => s.Start) : null;

    IEnumerable<SpanRecord> Children(SpanRecord span) => Children(span.SpanId);

    IEnumerable<SpanRecord> Children(string spanId) => _children.TryGetValue(spanId, out var children) ? children : [];

    IEnumerable<SpanRecord> Descendants(SpanRecord span)
    {
        var pending = new Stack<SpanRecord>(Children(span));
        while (pending.TryPop(out var next))
        {
            yield return next;
            foreach (var child in Children(next))
                pending.Push(child);
        }
    }

    void Record(string segment, double milliseconds)
    {
        if (!Segments.TryGetValue(segment, out var values))
            Segments[segment] = values = [];
        values.Add(milliseconds);
    }

    static void Add(Dictionary<string, List<SpanRecord>> index, string key, SpanRecord span)
    {
        if (!index.TryGetValue(key, out var list))
            index[key] = list = [];
        list.Add(span);
    }
}
