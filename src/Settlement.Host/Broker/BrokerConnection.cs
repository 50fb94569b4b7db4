using MassTransit;
using Microsoft.Extensions.Options;
using Settlement.Operations;

namespace Settlement.Host.Broker;

public static class BrokerConnection
{
    /// <summary>
    /// Points the bus at <c>RabbitMq:Uri</c>, or at the nodes of <c>RabbitMq:ClusterNodes</c> in turn (a lost connection is
    /// made again to the next node), has every durable endpoint declared with <c>RabbitMq:QueueType</c>, and bounds every
    /// delivery's time in hand by <c>RabbitMq:DeliveryTimeout</c> (<see cref="DeliveryDeadlineFilter"/>). Call it first
    /// in <c>UsingRabbitMq</c>, before <c>ConfigureEndpoints</c>.
    /// </summary>
    public static void ConfigureBroker(this IRabbitMqBusFactoryConfigurator configurator, IRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
        configurator.Host(options.Uri, host =>
        {
            if (options.ClusterNodes.Length > 0)
            {
                host.UseCluster(cluster =>
                {
                    foreach (var node in options.ClusterNodes)
                        cluster.Node(node);
                });
            }
        });
        configurator.ConnectEndpointConfigurationObserver(new QueueTypeObserver(options, context.GetRequiredService<DeclaredQueues>()));
        configurator.ConnectEndpointConfigurationObserver(
            new DeliveryDeadlineObserver(options.DeliveryTimeout, context.GetRequiredService<ILoggerFactory>().CreateLogger<DeliveryDeadlineFilter>()));
    }
}
