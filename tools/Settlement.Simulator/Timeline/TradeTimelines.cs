namespace Settlement.Simulator.Timeline;

/// <summary>
/// Follows each trade through the spans of a trace file, hop by hop, and collects how long each part of each hop took.
/// A trade is a chain of messages: the <c>TradeExecuted</c>, then per leg a wallet command (its initiator id is the trade
/// id) and the wallet's answer, which is the saga's next input. For each message the host's send span (until the broker
/// confirmed it), its receive span, and inside them the saga's transaction (load and lock, state machine, write, commit)
/// or the wallet batch that applied it give the segments of <see cref="Segments"/>.
/// </summary>
public sealed class TradeTimelines
{
    static readonly HashSet<string> Commands = ["DebitBalance", "CreditBalance", "ReverseOperation"];

    readonly Dictionary<string, SpanRecord> _byId = [];
    readonly Dictionary<string, List<SpanRecord>> _children = [];
    readonly Dictionary<string, SpanRecord> _receives = [];
    readonly Dictionary<string, SpanRecord> _sends = [];
    readonly Dictionary<string, List<SpanRecord>> _sentBy = [];
    readonly Dictionary<string, SpanRecord> _batchByLink = [];
    readonly Dictionary<string, List<SpanRecord>> _sagaInputs = []; // trade id → the saga's process span of each message it handled

    /// <summary>Milliseconds per segment, over every hop of every trade followed.</summary>
    public Dictionary<string, List<double>> Segments { get; } = [];

    /// <summary>Trades followed from their first delivery to their last commit.</summary>
    public int Trades => _trades.Count;

    /// <summary>Per trade followed: its total, and the milliseconds of each kind of hop along it (<see cref="Hops"/>).</summary>
    readonly List<(double Total, Dictionary<string, double> Hops)> _trades = [];

    /// <summary>The kinds of hop a trade's time is made of, in the order a leg goes through them.</summary>
    public static readonly string[] Hops =
    [
        "saga step: delivered → command sent (or committed)", "command: sent → delivered to the wallet",
        "wallet: delivered → answer sent", "answer: sent → delivered to the saga",
    ];

    /// <summary>
    /// Per kind of hop, its mean milliseconds per trade over all trades followed and over the slowest
    /// <paramref name="percent"/> % of them: where the tail's time goes.
    /// </summary>
    public IReadOnlyList<(string Hop, double All, double Slowest)> Tail(double percent)
    {
        var slowest = _trades.OrderByDescending(t => t.Total).Take(Math.Max(1, (int)Math.Ceiling(_trades.Count * percent / 100))).ToList();
        return [.. Hops.Select(hop => (hop, _trades.Average(t => t.Hops.GetValueOrDefault(hop)), slowest.Average(t => t.Hops.GetValueOrDefault(hop))))];
    }

    public TradeTimelines(IEnumerable<SpanRecord> spans)
    {
        foreach (var span in spans)
        {
            _byId[span.SpanId] = span;
            Add(_children, span.ParentId, span);
            if (span.Source != "MassTransit")
            {
                if (span.Name == "wallet batch")
                {
                    foreach (var member in span.Links.Append(span.ParentId))
                        _batchByLink[member] = span;
                }

                continue;
            }

            if (span.Name.EndsWith(" receive", StringComparison.Ordinal) && span.MessageId.Length > 0)
                _receives.TryAdd(span.MessageId, span);
            else if (span.Name.EndsWith(" send", StringComparison.Ordinal) && span.MessageId.Length > 0)
            {
                _sends.TryAdd(span.MessageId, span);
                Add(_sentBy, span.InitiatorId, span);
            }

            if (span.SagaId.Length > 0)
                Add(_sagaInputs, span.SagaId, span);
        }
    }

    /// <summary>Follows the trades given (all trades in the file when null).</summary>
    public TradeTimelines Follow(IReadOnlySet<Guid>? tradeIds)
    {
        foreach (var (tradeId, inputs) in _sagaInputs)
        {
            if (tradeIds is null || (Guid.TryParse(tradeId, out var id) && tradeIds.Contains(id)))
                FollowTrade(tradeId, inputs);
        }

        return this;
    }

    /// <summary>
    /// The saga's inputs in the order it handled them (the TradeExecuted, then each answer) and the commands it sent in
    /// order: command k was sent while handling input k, and input k + 1 is its answer.
    /// </summary>
    void FollowTrade(string tradeId, List<SpanRecord> sagaSpans)
    {
        var inputs = sagaSpans.DistinctBy(s => s.MessageId).OrderBy(s => s.Start)
            .Select(s => _receives.GetValueOrDefault(s.MessageId)).ToList();
        var commands = _sentBy.GetValueOrDefault(tradeId, []).Where(s => Commands.Contains(s.MessageType)).OrderBy(s => s.Start).ToList();
        if (inputs.Count == 0 || inputs.Contains(null) || inputs.Count != commands.Count + 1)
            return; // a chain with a repeat, a resend or a span missing: not a plain trade

        Dictionary<string, double> hops = [];
        void Hop(string hop, double milliseconds) => hops[hop] = hops.GetValueOrDefault(hop) + milliseconds;

        for (var k = 0; k < inputs.Count; k++)
        {
            var delivery = inputs[k]!;
            if (SagaTransaction(delivery) is not { } transaction)
                return;
            SagaStep(delivery, transaction);
            if (k == commands.Count)
            {
                Record("saga: delivered → committed (last step)", transaction.End - delivery.Start);
                Record("trade: first delivery → last commit", transaction.End - inputs[0]!.Start);
                Hop(Hops[0], transaction.End - delivery.Start);
                _trades.Add((transaction.End - inputs[0]!.Start, hops));
                return;
            }

            var command = commands[k];
            Record("saga: delivered → command sent", command.Start - delivery.Start);
            Hop(Hops[0], command.Start - delivery.Start);
            Record("saga: transaction end → command sent", command.Start - transaction.End);
            Record("saga: command send until confirmed", command.Duration);
            var answerDelivery = inputs[k + 1]!;
            if (!_receives.TryGetValue(command.MessageId, out var walletDelivery) || !_sends.TryGetValue(answerDelivery.MessageId, out var answer))
                return;
            Record("command: sent → delivered to the wallet", walletDelivery.Start - command.Start);
            Hop(Hops[1], walletDelivery.Start - command.Start);
            WalletStep(walletDelivery, answer);
            Hop(Hops[2], answer.Start - walletDelivery.Start);
            Record("answer: sent → delivered to the saga", answerDelivery.Start - answer.Start);
            Hop(Hops[3], answerDelivery.Start - answer.Start);
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
        Record("wallet: batch transaction: write and commit",
            Children(batch).Where(c => c.Name is "wallet commit" or "wallet write and commit").Sum(c => c.Duration));
        Record("wallet: batch end → answer sent", answer.Start - batch.End);
        if (int.TryParse(batch.Detail.Split(' ')[0], out var size))
            Record("wallet: commands in the batch", size);
    }

    /// <summary>
    /// The batch that applied the command: the one whose parent or a link is a span of its delivery (the last, should the
    /// command have been retried), or (MassTransit's Batch) the one beside its answer.
    /// </summary>
    SpanRecord? Batch(SpanRecord delivery, SpanRecord answer) =>
        Handling(delivery).Select(span => _batchByLink.GetValueOrDefault(span.SpanId)).OfType<SpanRecord>()
            .Where(batch => batch.Start <= answer.Start).MaxBy(batch => batch.Start)
        ?? Children(answer.ParentId).FirstOrDefault(c => c.Name == "wallet batch");

    SpanRecord? SagaTransaction(SpanRecord delivery) =>
        Handling(delivery).FirstOrDefault(s => s.Source != "MassTransit" && s.Name == "saga transaction");

    IEnumerable<SpanRecord> Children(SpanRecord span) => Children(span.SpanId);

    IEnumerable<SpanRecord> Children(string spanId) => _children.TryGetValue(spanId, out var children) ? children : [];

    /// <summary>
    /// The spans of one message's handling: below its delivery, but not past the messages it sent (whose deliveries are
    /// their children, in the next hop).
    /// </summary>
    IEnumerable<SpanRecord> Handling(SpanRecord delivery)
    {
        var pending = new Stack<SpanRecord>(Children(delivery));
        while (pending.TryPop(out var next))
        {
            yield return next;
            if (next.Source == "MassTransit" && next.Name.EndsWith(" send", StringComparison.Ordinal))
                continue;
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
