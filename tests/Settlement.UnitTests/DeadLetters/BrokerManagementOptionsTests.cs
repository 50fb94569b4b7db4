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

    static BrokerManagementOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName));
        services.AddDeadLetters(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<BrokerManagementOptions>>().Value;
    }
}
