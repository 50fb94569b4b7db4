using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// AMQP access to the service's error queues, through a connection of its own per operation, to the first node of
/// <c>RabbitMq:ClusterNodes</c> that answers (or the host of <c>RabbitMq:Uri</c>). Operations of this process run one at a
/// time: a listing holds the messages it reads until it ends, and a retry beside it would not find them.
/// </summary>
public sealed class ErrorQueueBroker : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ConnectionFactory _factory;
    readonly IList<AmqpTcpEndpoint> _endpoints;

    public ErrorQueueBroker(IOptions<RabbitMqOptions> rabbitMq)
    {
        _factory = new ConnectionFactory
        {
            Uri = rabbitMq.Value.Uri,
            ClientProvidedName = "settlement-dead-letters",
            // A recovered connection would not know the deliveries it held; failing the operation is the safe answer.
            AutomaticRecoveryEnabled = false,
        };
        _endpoints = rabbitMq.Value.Endpoints(_factory);
    }

    /// <summary>Waits for the other operations of this process, then opens a session with publisher confirms on.</summary>
    public async Task<ErrorQueueSession> OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        IConnection? connection = null;
        try
        {
            connection = await _factory.CreateConnectionAsync(_endpoints, cancellationToken);
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            return new ErrorQueueSession(connection, channel, _gate);
        }
        catch
        {
            if (connection is not null)
                await connection.DisposeAsync();
            _gate.Release();
            throw;
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>
/// One operation on error queues. Messages are taken with <c>basic.get</c> and left unacknowledged, so nobody else sees them
/// and none can be lost: one is acknowledged only after its copy was confirmed in its destination, and every other one goes
/// back to its queue when the session ends, whether it is rejected or its channel or connection closes, also when this
/// process dies. A classic queue puts them back in their original places; a quorum queue (RabbitMQ 3.x) at its end, which
/// changes only the order a listing shows. On RabbitMQ 4.0 to 4.2 each return counts against a quorum queue's delivery
/// limit (20 by default): docs/deployment.md says which policy keeps the <c>_error</c> queues' messages from being dropped.
/// </summary>
public sealed class ErrorQueueSession : IAsyncDisposable
{
    static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    readonly IConnection _connection;
    readonly IChannel _channel;
    readonly SemaphoreSlim _gate;
    readonly SortedSet<ulong> _held = [];

    internal ErrorQueueSession(IConnection connection, IChannel channel, SemaphoreSlim gate)
    {
        _connection = connection;
        _channel = channel;
        _gate = gate;
    }

    /// <summary>The next message of the queue, held by this session; null when there is none left to take.</summary>
    public async Task<BasicGetResult?> TakeAsync(string queue, CancellationToken cancellationToken)
    {
        var message = await _channel.BasicGetAsync(queue, autoAck: false, cancellationToken);
        if (message is not null)
            _held.Add(message.DeliveryTag);
        return message;
    }

    /// <summary>How many messages of the queue are ready (not held by a consumer or a session).</summary>
    public async Task<uint> ReadyCountAsync(string queue, CancellationToken cancellationToken) =>
        (await _channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;

    /// <summary>
    /// Publishes a held message to <paramref name="queue"/> through the default exchange, waits for the broker's confirm,
    /// and only then acknowledges it at its source. When the broker returns it (no such queue) or refuses it, this throws
    /// <see cref="RabbitMQ.Client.Exceptions.PublishException"/> and the message stays held, to go back to its place; so it
    /// does when no confirm came within <see cref="ConfirmTimeout"/> (the copy may then have arrived: a duplicate the
    /// wallet's operation ids make harmless).
    /// </summary>
    public async Task ForwardAsync(BasicGetResult message, string queue, BasicProperties properties, CancellationToken cancellationToken)
    {
        // The client waits for the confirm without end; a broker that never answers must not hold this process's gate.
        using var confirmWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        confirmWait.CancelAfter(ConfirmTimeout);
        await _channel.BasicPublishAsync(exchange: string.Empty, routingKey: queue, mandatory: true, properties, message.Body, confirmWait.Token);
        await _channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
        _held.Remove(message.DeliveryTag);
    }

    /// <summary>Puts every held message back where it was, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing the channel would requeue them too; rejecting them says so, and leaves nothing to the close.
            // After a channel error the broker has requeued them already, and closing again would hide that error.
            if (_channel.IsOpen)
            {
                if (_held.Count > 0)
                    await _channel.BasicNackAsync(_held.Max, multiple: true, requeue: true);
                await _channel.CloseAsync();
            }

            if (_connection.IsOpen)
                await _connection.CloseAsync();
        }
        finally
        {
            await _channel.DisposeAsync();
            await _connection.DisposeAsync();
            _gate.Release();
        }
    }
}
