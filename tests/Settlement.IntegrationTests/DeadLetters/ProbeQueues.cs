using System.Text.Json;
using RabbitMQ.Client;
using Settlement.Testing;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// A queue <c>{name}</c> and its error queue <c>{name}_error</c> in a virtual host, which no consumer reads, and dead letters
/// put into the error queue as MassTransit's error transport leaves them: its envelope as body, its fault and host headers,
/// and one header of the sender's own (<see cref="SenderHeader"/>) that a retry must keep.
/// </summary>
sealed class ProbeQueues : IAsyncDisposable
{
    public const string SenderHeader = "x-tenant";

    readonly Uri _rabbitMqUri;
    readonly IConnection _connection;
    readonly IChannel _channel;

    ProbeQueues(Uri rabbitMqUri, IConnection connection, IChannel channel, string name)
    {
        _rabbitMqUri = rabbitMqUri;
        _connection = connection;
        _channel = channel;
        Source = name;
        Errors = name + "_error";
    }

    public string Source { get; }
    public string Errors { get; }

    /// <summary>Declares the error queue, and the queue itself unless <paramref name="withSource"/> is false.</summary>
    public static async Task<ProbeQueues> CreateAsync(Uri rabbitMqUri, string name = "probe", bool withSource = true)
    {
        var connection = await new ConnectionFactory { Uri = rabbitMqUri }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var probe = new ProbeQueues(rabbitMqUri, connection, channel, name);
        await channel.QueueDeclareAsync(probe.Errors, durable: true, exclusive: false, autoDelete: false);
        if (withSource)
            await channel.QueueDeclareAsync(probe.Source, durable: true, exclusive: false, autoDelete: false);
        return probe;
    }

    /// <summary>Puts <paramref name="count"/> dead letters into the error queue, in order, and returns their message ids.</summary>
    public async Task<IReadOnlyList<string>> DeadLetterAsync(int count)
    {
        List<string> ids = [];
        for (var i = 1; i <= count; i++)
        {
            var messageId = Guid.NewGuid().ToString();
            var envelope = new
            {
                messageId,
                messageType = new[] { "urn:message:Settlement.Contracts:DebitBalance" },
                message = new { operationId = Guid.NewGuid(), tradeId = Guid.NewGuid(), amount = i },
            };
            var properties = new BasicProperties
            {
                MessageId = messageId,
                ContentType = "application/vnd.masstransit+json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    [SenderHeader] = "t1",
                    ["MT-Reason"] = "fault",
                    ["MT-Fault-ExceptionType"] = "System.TimeoutException",
                    ["MT-Fault-Message"] = $"attempt {i} timed out",
                    ["MT-Fault-Timestamp"] = DateTime.UtcNow.ToString("O"),
                    ["MT-Fault-StackTrace"] = "at Probe()",
                    ["MT-Fault-RetryCount"] = 3,
                    ["MT-Fault-InputAddress"] = $"rabbitmq://{_rabbitMqUri.Authority}{_rabbitMqUri.AbsolutePath}/{Source}",
                    ["MT-Host-MachineName"] = Environment.MachineName,
                },
            };
            await _channel.BasicPublishAsync(string.Empty, Errors, mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(envelope));
            ids.Add(messageId);
        }

        return ids;
    }

    /// <summary>A connection of its own, as another client (or another process) would have.</summary>
    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = _rabbitMqUri }.CreateConnectionAsync();

    /// <summary>The message ids of a management API peek's payloads, in order.</summary>
    public static IReadOnlyList<string> MessageIds(IEnumerable<QueuedMessage> messages) =>
        [.. messages.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("messageId").GetString()!)];

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
