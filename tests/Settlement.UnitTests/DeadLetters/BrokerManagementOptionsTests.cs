using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Settlement.Operations;
using Settlement.Operations.DeadLetters;

namespace Settlement.UnitTests.DeadLetters;

public class BrokerManagementOptionsTests
{
    [Theory]
    [InlineData("amqp://guest:guest@rabbit:5672/settlement", "http://guest:guest@rabbit:15672/")]
    [InlineData("amqps://svc:p%40ss@rabbit.internal/", "https://svc:p%40ss@rabbit.internal:15671/")]
    [InlineData("amqp://rabbit", "http://rabbit:15672/")]
    public void Unset_it_is_the_brokers_management_port_with_the_same_credentials(string amqpUri, string expected) =>
        Assert.Equal(new Uri(expected), Resolve(new() { ["RabbitMq:Uri"] = amqpUri }).ManagementUri);

    [Theory]
    [InlineData("amqp://rabbit", "/")]
    [InlineData("amqp://rabbit/", "/")]
    [InlineData("amqp://rabbit/settlement", "settlement")]
    [InlineData("amqp://rabbit/%2F", "/")]
    [InlineData("amqp://rabbit/team%2Fsettlement", "team/settlement")]
    public void The_virtual_host_is_the_path_of_the_AMQP_URI(string amqpUri, string virtualHost) =>
        Assert.Equal(virtualHost, Resolve(new() { ["RabbitMq:Uri"] = amqpUri }).VirtualHost);

    [Fact]
    public void A_configured_management_URI_is_used_as_it_is()
    {
        var options = Resolve(new()
        {
            ["RabbitMq:Uri"] = "amqp://guest:guest@rabbit/settlement",
            ["RabbitMq:ManagementUri"] = "https://ops:secret@rabbit-admin.internal/rabbitmq/",
        });

        Assert.Equal((new Uri("https://ops:secret@rabbit-admin.internal/rabbitmq/"), "settlement"), (options.ManagementUri, options.VirtualHost));
    }

    [Fact]
    public void A_management_URI_that_is_not_http_is_refused() =>
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["RabbitMq:ManagementUri"] = "amqp://rabbit:15672/" }));

    [Fact]
    public void Unset_on_a_cluster_it_is_every_nodes_management_port()
    {
        var options = Resolve(new()
        {
            ["RabbitMq:Uri"] = "amqp://svc:secret@rabbit-1/settlement",
            ["RabbitMq:ClusterNodes:0"] = "rabbit-1:5672",
            ["RabbitMq:ClusterNodes:1"] = "rabbit-2",
            ["RabbitMq:ClusterNodes:2"] = "10.0.0.3:5673",
        });

        Assert.Equal(
            [new Uri("http://svc:secret@rabbit-1:15672/"), new Uri("http://svc:secret@rabbit-2:15672/"), new Uri("http://svc:secret@10.0.0.3:15672/")],
            options.ManagementUris());
    }

    [Fact]
    public void Management_nodes_take_the_scheme_credentials_path_and_port_of_the_management_URI()
    {
        var options = Resolve(new()
        {
            ["RabbitMq:ClusterNodes:0"] = "rabbit-1",
            ["RabbitMq:ManagementUri"] = "https://ops:secret@rabbit-1:8443/rabbitmq/",
            ["RabbitMq:ManagementNodes:0"] = "rabbit-1",
            ["RabbitMq:ManagementNodes:1"] = "rabbit-2:9443",
        });

        Assert.Equal([new Uri("https://ops:secret@rabbit-1:8443/rabbitmq/"), new Uri("https://ops:secret@rabbit-2:9443/rabbitmq/")], options.ManagementUris());
    }

    [Fact]
    public void A_configured_management_URI_without_management_nodes_stays_alone_on_a_cluster() =>
        Assert.Equal([new Uri("http://ops:secret@rabbit-lb.internal:15672/")], Resolve(new()
        {
            ["RabbitMq:ClusterNodes:0"] = "rabbit-1",
            ["RabbitMq:ClusterNodes:1"] = "rabbit-2",
            ["RabbitMq:ManagementUri"] = "http://ops:secret@rabbit-lb.internal:15672/",
        }).ManagementUris());

    [Fact]
    public void A_management_node_that_is_not_host_or_host_and_port_is_refused()
    {
        var refusal = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["RabbitMq:ManagementNodes:0"] = "rabbit-2:http" }));
        Assert.Contains("RabbitMq:ManagementNodes", refusal.Message);
    }

    static BrokerManagementOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddDeadLetters(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<BrokerManagementOptions>>().Value;
    }
}
