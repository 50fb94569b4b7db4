using System.Globalization;
using System.Text;
using System.Text.Json;
using MassTransit;
using RabbitMQ.Client;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// A message in an error queue as an operator needs to see it: what it is (from MassTransit's JSON envelope), which trade
/// it belongs to, and why it failed (from the <c>MT-Fault-*</c> headers MassTransit's error transport adds).
/// </summary>
/// <param name="Queue">The error queue it is in.</param>
/// <param name="MessageId">MassTransit's message id: the one to retry it by.</param>
/// <param name="MessageType">The contract's name, e.g. <c>DebitBalance</c>.</param>
/// <param name="MessageTypes">The envelope's message type URNs, e.g. <c>urn:message:Settlement.Contracts:DebitBalance</c>.</param>
/// <param name="TradeId">The message's <c>tradeId</c>, when it has one.</param>
/// <param name="Reason">Exception type and message of the last attempt.</param>
/// <param name="ExceptionType">The exception type alone (<c>MT-Fault-ExceptionType</c>).</param>
/// <param name="RetryCount">Retries before it was given up (<c>MT-Fault-RetryCount</c>); 0 when it was not retried.</param>
/// <param name="FaultedAt">When it was given up (<c>MT-Fault-Timestamp</c>).</param>
/// <param name="InputAddress">The endpoint it failed on (<c>MT-Fault-InputAddress</c>).</param>
/// <param name="ReturnQueue">Where a retry sends it: the queue of <paramref name="InputAddress"/>, else the error queue's name without <c>_error</c>.</param>
public sealed record DeadLetter(
    string Queue,
    string? MessageId,
    string? MessageType,
    IReadOnlyList<string> MessageTypes,
    Guid? TradeId,
    string? Reason,
    string? ExceptionType,
    int RetryCount,
    DateTimeOffset? FaultedAt,
    string? InputAddress,
    string ReturnQueue)
{
    public const string ErrorQueueSuffix = "_error";

    /// <summary>The headers MassTransit's error transport adds when it moves a message to an error queue; a retry drops them.</summary>
    static readonly string[] FaultHeaders =
    [
        MessageHeaders.Reason, MessageHeaders.FaultExceptionType, MessageHeaders.FaultInputAddress, MessageHeaders.FaultMessage,
        MessageHeaders.FaultMessageType, MessageHeaders.FaultConsumerType, MessageHeaders.FaultTimestamp, MessageHeaders.FaultStackTrace,
        MessageHeaders.FaultRetryCount, MessageHeaders.FaultRedeliveryCount,
    ];

    const string HostHeaderPrefix = "MT-Host-";

    /// <summary>Reads a message taken from <paramref name="queue"/>; a body that is no MassTransit envelope leaves its fields empty.</summary>
    public static DeadLetter Read(string queue, BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
        var envelope = Envelope.Parse(message.Body);
        var exceptionType = Text(headers, MessageHeaders.FaultExceptionType);
        var exceptionMessage = Text(headers, MessageHeaders.FaultMessage);
        var inputAddress = Text(headers, MessageHeaders.FaultInputAddress);

        return new DeadLetter(
            queue,
            message.BasicProperties.MessageId ?? envelope.MessageId,
            envelope.MessageTypes.FirstOrDefault()?.Split(':')[^1],
            envelope.MessageTypes,
            envelope.TradeId,
            exceptionType is null && exceptionMessage is null ? null : $"{exceptionType}: {exceptionMessage}",
            exceptionType,
            headers.TryGetValue(MessageHeaders.FaultRetryCount, out var retries) ? Convert.ToInt32(retries, CultureInfo.InvariantCulture) : 0,
            Timestamp(headers, MessageHeaders.FaultTimestamp),
            inputAddress,
            ReturnQueueOf(queue, inputAddress));
    }

    /// <summary>The message's properties for its way back: the same, without the headers the move to the error queue added.</summary>
    public static BasicProperties PropertiesForRetry(BasicGetResult message)
    {
        var properties = new BasicProperties(message.BasicProperties);
        if (properties.Headers is { } headers)
        {
            properties.Headers = headers
                .Where(h => !FaultHeaders.Contains(h.Key, StringComparer.Ordinal) && !h.Key.StartsWith(HostHeaderPrefix, StringComparison.Ordinal))
                .ToDictionary();
        }

        return properties;
    }

    /// <summary>The last path segment of the input address (<c>rabbitmq://host/vhost/wallet</c> → <c>wallet</c>), else the queue minus <c>_error</c>.</summary>
    static string ReturnQueueOf(string errorQueue, string? inputAddress) =>
        Uri.TryCreate(inputAddress, UriKind.Absolute, out var address) && address.Segments is [.., var last] && last.Trim('/') is { Length: > 0 } name
            ? Uri.UnescapeDataString(name)
            : errorQueue[..^ErrorQueueSuffix.Length];

    static string? Text(IDictionary<string, object?> headers, string name) => headers.TryGetValue(name, out var value) ? HeaderText(value) : null;

    /// <summary>A header's value as text: AMQP strings arrive as UTF-8 bytes, timestamps as seconds, arrays as lists.</summary>
    public static string? HeaderText(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime).ToString("O", CultureInfo.InvariantCulture),
        IEnumerable<object?> items => string.Join(", ", items.Select(HeaderText)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    static DateTimeOffset? Timestamp(IDictionary<string, object?> headers, string name) => headers.TryGetValue(name, out var value) && value is AmqpTimestamp timestamp
        ? DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime)
        : DateTimeOffset.TryParse(Text(headers, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    /// <summary>What a listing needs of MassTransit's JSON envelope.</summary>
    sealed record Envelope(string? MessageId, IReadOnlyList<string> MessageTypes, Guid? TradeId)
    {
        static readonly Envelope None = new(null, [], null);

        public static Envelope Parse(ReadOnlyMemory<byte> body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    return None;

                var messageId = root.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                string[] types = root.TryGetProperty("messageType", out var urns) && urns.ValueKind == JsonValueKind.Array
                    ? [.. urns.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.String).Select(u => u.GetString()!)]
                    : [];
                Guid? tradeId = root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                    && message.TryGetProperty("tradeId", out var trade) && trade.ValueKind == JsonValueKind.String && trade.TryGetGuid(out var guid)
                    ? guid
                    : null;
                return new Envelope(messageId, types, tradeId);
            }
            catch (JsonException)
            {
                return None;
            }
        }
    }
}
