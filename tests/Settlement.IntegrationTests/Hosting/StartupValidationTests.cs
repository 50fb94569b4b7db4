using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Settlement.IntegrationTests.Hosting;

/// <summary>A bad setting stops the service before it touches the database or the broker, with a message naming the key.</summary>
public class StartupValidationTests
{
    [Theory]
    [InlineData("Settlement:RetryLimit", "99", "RetryLimit")]
    [InlineData("Settlement:ConcurrentMessageLimit", "0", "ConcurrentMessageLimit")]
    [InlineData("Settlement:WalletQueue", "Not A Queue", "WalletQueue")]
    [InlineData("Settlement:StepTimeout", "00:00:00", "StepTimeout")]
    [InlineData("Wallet:BatchMessageLimit", "0", "BatchMessageLimit")]
    [InlineData("Api:Key", "short", "Api:Key")]
    [InlineData("Service:Roles", "everything", "Service:Roles")]
    [InlineData("RabbitMq:QueueType", "mirrored", "RabbitMq:QueueType")]
    [InlineData("RabbitMq:ClusterNodes:0", "rabbit-1:5672:1", "RabbitMq:ClusterNodes")]
    [InlineData("RabbitMq:ClusterNodes:1", "rabbit-2:70000", "RabbitMq:ClusterNodes")]
    [InlineData("RabbitMq:DeliveryTimeout", "00:00:30", "RabbitMq:DeliveryTimeout")]
    [InlineData("Settlement:RetryLimit", "8", "RabbitMq:DeliveryTimeout")]
    [InlineData("RabbitMq:PublishTimeout", "00:00:00", "RabbitMq:PublishTimeout")]
    public void A_bad_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:Settlement", "Host=127.0.0.1;Port=1;Username=nobody;Database=none");
            web.UseSetting("Api:Key", "a-valid-key-of-sixteen-or-more");
            web.UseSetting(key, value);
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Innermost(error));
        Assert.Contains(named, validation.Message);
    }

    [Fact]
    public void Without_an_API_key_the_service_does_not_start()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:Settlement", "Host=127.0.0.1;Port=1;Username=nobody;Database=none");
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Api:Key is required", Innermost(error).Message);
    }

    static Exception Innermost(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Innermost(aggregate.InnerExceptions[0]),
        OptionsValidationException => error,
        { InnerException: { } inner } => Innermost(inner),
        _ => error,
    };
}
