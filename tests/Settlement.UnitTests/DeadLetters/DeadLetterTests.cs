using System.Text;
using RabbitMQ.Client;
using Settlement.Operations.DeadLetters;

namespace Settlement.UnitTests.DeadLetters;

/// <summary>Reading a dead letter as MassTransit's error transport leaves it, and the properties a retry sends it with.</summary>
public class DeadLetterTests
{
    static readonly Guid TradeId = Guid.NewGuid();

    [Fact]
    public void A_MassTransit_dead_letter_reads_as_its_type_trade_fault_and_way_back()
    {
        var deadLetter = DeadLetter.Read("wallet_error", Message(Envelope(), FaultHeaders()));

        Assert.Equivalent(new DeadLetter("wallet_error", "m-1", "DebitBalance", ["urn:message:Settlement.Contracts:DebitBalance"], TradeId,
                "Npgsql.PostgresException: 55P03: canceling statement due to lock timeout", "Npgsql.PostgresException", 3,
                new DateTimeOffset(2026, 11, 21, 20, 12, 25, 952, TimeSpan.Zero), "rabbitmq://rabbit:5672/settlement/wallet", "wallet"),
            deadLetter, strict: true);
    }

    [Fact]
    public void Without_fault_headers_it_goes_back_to_the_queue_of_its_name_without_error()
    {
        var deadLetter = DeadLetter.Read("settlement_error", Message(Envelope(), new Dictionary<string, object?>()));

        Assert.Equal((null, null, 0, null, "settlement"), (deadLetter.Reason, deadLetter.ExceptionType, deadLetter.RetryCount, deadLetter.FaultedAt, deadLetter.ReturnQueue));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"messageId": 7, "messageType": "urn:x", "message": {"tradeId": 12}}""")]
    public void A_body_that_is_no_envelope_leaves_its_fields_empty_and_keeps_the_AMQP_message_id(string body)
    {
        var deadLetter = DeadLetter.Read("wallet_error", Message(body, FaultHeaders()));

        Assert.Equal(("m-1", null, 0, null), (deadLetter.MessageId, deadLetter.MessageType, deadLetter.MessageTypes.Count, deadLetter.TradeId));
    }

    [Fact]
    public void A_retry_drops_exactly_the_headers_the_move_to_the_error_queue_added()
    {
        var headers = FaultHeaders();
        headers["x-tenant"] = Encoding.UTF8.GetBytes("t1");
        headers["MT-Fault-Address"] = Encoding.UTF8.GetBytes("rabbitmq://rabbit/settlement/settlement"); // the sender's, not the move's
        var message = Message(Envelope(), headers);

        var properties = DeadLetter.PropertiesForRetry(message);

        Assert.Equal(["MT-Fault-Address", "x-tenant"], properties.Headers!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("m-1", "application/vnd.masstransit+json", true), (properties.MessageId, properties.ContentType, properties.Persistent));
        Assert.Equal(12, message.BasicProperties.Headers!.Count); // the message as read is left as it is
    }

    static string Envelope() => $$"""
        {
          "messageId": "envelope-id",
          "messageType": ["urn:message:Settlement.Contracts:DebitBalance"],
          "message": { "operationId": "{{Guid.NewGuid()}}", "tradeId": "{{TradeId}}", "amount": "0.5" }
        }
        """;

    /// <summary>What MassTransit 8.4's error transport sets (strings arrive as bytes), and one host header of the ones it adds.</summary>
    static Dictionary<string, object?> FaultHeaders() => new()
    {
        ["MT-Reason"] = Bytes("fault"),
        ["MT-Fault-ExceptionType"] = Bytes("Npgsql.PostgresException"),
        ["MT-Fault-Message"] = Bytes("55P03: canceling statement due to lock timeout"),
        ["MT-Fault-StackTrace"] = Bytes("at Npgsql…"),
        ["MT-Fault-Timestamp"] = Bytes("2026-11-21T20:12:25.9520000Z"),
        ["MT-Fault-RetryCount"] = 3,
        ["MT-Fault-InputAddress"] = Bytes("rabbitmq://rabbit:5672/settlement/wallet"),
        ["MT-Fault-ConsumerType"] = Bytes("Settlement.Wallet.Consumers.WalletConsumer"),
        ["MT-Fault-MessageType"] = Bytes("Settlement.Contracts.DebitBalance"),
        ["MT-Host-MachineName"] = Bytes("vm"),
    };

    static BasicGetResult Message(string body, Dictionary<string, object?> headers) =>
        new(1, false, string.Empty, "wallet_error", 0,
            new BasicProperties { MessageId = "m-1", ContentType = "application/vnd.masstransit+json", Persistent = true, Headers = headers },
            Encoding.UTF8.GetBytes(body));

    static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
