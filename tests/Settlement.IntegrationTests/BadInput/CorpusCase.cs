namespace Settlement.IntegrationTests.BadInput;

/// <summary>Where a corpus case is sent.</summary>
enum Channel
{
    /// <summary>Published as raw bytes to the exchange <c>Settlement.Contracts:TradeExecuted</c>, as a matching engine would.</summary>
    Broker,

    /// <summary>An HTTP request to the admin API.</summary>
    Http,
}

/// <summary>
/// One bad input: what is sent, where, and the rejection it must get. Bodies are the exact text sent, with placeholders the
/// test fills in: <c>$TRADE</c> (a new trade id), <c>$BUYER</c> and <c>$SELLER</c> (funded users), <c>$SYMBOL</c>,
/// <c>$BASE</c> and <c>$QUOTE</c> (the test's market), <c>$MESSAGE</c> (the message id).
/// </summary>
/// <param name="Name">What is wrong, as a reviewer would say it.</param>
/// <param name="Body">The body. For <see cref="Envelope"/> broker cases only the envelope's <c>message</c>, else the whole body.</param>
/// <param name="Expected">The rejection it must get.</param>
/// <param name="ContentType">The AMQP content type or HTTP <c>Content-Type</c>.</param>
/// <param name="Envelope">Broker only: wrap <see cref="Body"/> in MassTransit's envelope with <see cref="MessageType"/>.</param>
/// <param name="MessageType">The envelope's <c>messageType</c>.</param>
/// <param name="Path">HTTP only: where it is posted.</param>
sealed record CorpusCase(
    string Name,
    Channel Channel,
    string Body,
    Rejection Expected,
    string ContentType = CorpusCase.MassTransitJson,
    bool Envelope = true,
    string MessageType = CorpusCase.TradeExecutedUrn,
    string Path = "/api/trades")
{
    public const string MassTransitJson = "application/vnd.masstransit+json";
    public const string Json = "application/json";
    public const string TradeExecutedUrn = "urn:message:Settlement.Contracts:TradeExecuted";

    /// <summary>xUnit shows the name, so each case is one line of the test report.</summary>
    public override string ToString() => Name;
}

/// <summary>The visible rejection a case must get.</summary>
abstract record Rejection;

/// <summary>A settlement record in <paramref name="State"/> (status SETTLEMENT_FAILED) whose failure reason contains <paramref name="Reason"/>.</summary>
sealed record Recorded(string State, string Reason) : Rejection;

/// <summary>
/// The message in <paramref name="Queue"/> (<c>settlement_error</c> or <c>settlement_skipped</c>), with <paramref name="Reason"/>
/// in its <c>MT-Fault-Message</c> header (error queue) or its <c>MT-Reason</c> header (skipped queue), and no record.
/// </summary>
sealed record DeadLettered(string Queue, string Reason) : Rejection;

/// <summary>An RFC 7807 answer with <paramref name="Status"/> whose detail contains <paramref name="Detail"/>; nothing published.</summary>
sealed record Problem(int Status, string Detail) : Rejection;
