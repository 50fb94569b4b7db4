using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Settlement.Operations;

namespace Settlement.Host.Broker;

/// <summary>
/// Before the bus starts: each queue of <see cref="DeclaredQueues"/> that exists already must be of the type
/// <c>RabbitMq:QueueType</c> asks for. RabbitMQ refuses to redeclare a queue with another <c>x-queue-type</c>
/// (PRECONDITION_FAILED), and MassTransit would retry that endpoint without end; this stops start-up instead, naming the
/// queue and the setting. An existing queue is declared again with the bus's own arguments (a no-op when they agree), so
/// the broker itself judges; a missing one is left for MassTransit to create.
/// </summary>
sealed class QueueTypeCheck(
    IServiceProvider services, DeclaredQueues declared, IOptions<RabbitMqOptions> options, ILogger<QueueTypeCheck> logger) : IHostedService
{
    const ushort NotFound = 404;
    const ushort PreconditionFailed = 406;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IBusControl>(); // configures the bus without starting it: its endpoints are now known
        var settings = options.Value;
        var factory = new ConnectionFactory { Uri = settings.Uri, ClientProvidedName = "settlement-queue-type-check" };
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(settings.Endpoints(factory), cancellationToken);
        }
        catch (BrokerUnreachableException exception)
        {
            // MassTransit keeps trying to connect while it starts; a mismatch would then show in its log as PRECONDITION_FAILED.
            logger.LogWarning(exception, "Could not reach the broker to check the queue types; the bus starts without the check");
            return;
        }

        await using (connection)
        {
            foreach (var queue in declared.All)
                await CheckAsync(connection, queue, settings, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    static async Task CheckAsync(IConnection connection, DeclaredQueue queue, RabbitMqOptions settings, CancellationToken cancellationToken)
    {
        // A channel that gets an error is closed by the broker: one per question.
        await using (var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            try
            {
                await probe.QueueDeclarePassiveAsync(queue.Name, cancellationToken);
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == NotFound)
            {
                return;
            }
        }

        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                queue.Arguments.ToDictionary(a => a.Key, a => (object?)a.Value), cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == PreconditionFailed)
        {
            throw new InvalidOperationException(
                $"Queue '{queue.Name}' in virtual host '{VirtualHostOf(settings.Uri)}' exists with other arguments than " +
                $"{RabbitMqOptions.SectionName}:QueueType = '{settings.QueueType}' declares (the broker: {exception.ShutdownReason!.ReplyText}). " +
                "RabbitMQ cannot change the type of an existing queue: set RabbitMq:QueueType to the queue's type, or drain and " +
                "delete the queue first (docs/operations.md, \"Changing the queue type\").", exception);
        }
    }

    static string VirtualHostOf(Uri uri) => Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } vhost ? vhost : "/";
}
