using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Settlement.Operations;
using Settlement.Operations.DeadLetters;

namespace Settlement.UnitTests.Host;

public class RabbitMqOptionsTests
{
    static readonly Dictionary<string, string?> Cluster = new()
    {
        ["RabbitMq:Uri"] = "amqp://svc:secret@rabbit-1:5673/settlement",
        ["RabbitMq:ClusterNodes:0"] = "rabbit-1",
        ["RabbitMq:ClusterNodes:1"] = "rabbit-2:5680",
        ["RabbitMq:ClusterNodes:2"] = "10.0.0.3",
    };

    [Fact]
    public void Registered_by_the_host_and_by_the_dead_letter_tooling_each_cluster_node_is_listed_once()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Cluster).Build();
        var services = new ServiceCollection();
        services.AddRabbitMqOptions(configuration);
        services.AddDeadLetters(configuration);

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<RabbitMqOptions>>().Value;

        Assert.Equal(["rabbit-1", "rabbit-2:5680", "10.0.0.3"], options.ClusterNodes);
    }

    [Fact]
    public void A_connection_goes_to_the_cluster_nodes_in_order_on_the_port_of_the_URI_where_a_node_names_none()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Cluster).Build();
        var options = configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>()!;

        var endpoints = options.Endpoints(new ConnectionFactory { Uri = options.Uri });

        Assert.Equal(["rabbit-1:5673", "rabbit-2:5680", "10.0.0.3:5673"], endpoints.Select(e => $"{e.HostName}:{e.Port}"));
    }

    [Fact]
    public void Without_cluster_nodes_a_connection_goes_to_the_host_of_the_URI()
    {
        var options = new RabbitMqOptions { Uri = new Uri("amqp://svc:secret@rabbit:5690/") };

        var endpoint = Assert.Single(options.Endpoints(new ConnectionFactory { Uri = options.Uri }));

        Assert.Equal(("rabbit", 5690), (endpoint.HostName, endpoint.Port));
    }
}
