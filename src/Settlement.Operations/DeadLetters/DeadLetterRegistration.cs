using Microsoft.Extensions.Options;
using Settlement.Orchestration.Sweeper;

namespace Settlement.Operations.DeadLetters;

/// <summary>The dead-letter tooling's services, shared by the admin API's routes and the console.</summary>
public static class DeadLetterRegistration
{
    /// <summary>Registers <see cref="DeadLetterService"/>, the broker management client and <see cref="BrokerManagementOptions"/>.</summary>
    public static IServiceCollection AddDeadLetters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRabbitMqOptions(configuration);
        services.AddOptions<BrokerManagementOptions>().Bind(configuration.GetSection(BrokerManagementOptions.SectionName))
            .Validate(o => o.ManagementUri is { IsAbsoluteUri: true, Scheme: "http" or "https" },
                "RabbitMq:ManagementUri must be an absolute http:// or https:// URI")
            .Validate(o => o.ManagementNodes.All(NodeAddress.IsValid),
                "RabbitMq:ManagementNodes must list host or host:port (port 1-65535)")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<BrokerManagementOptions>, BrokerManagementOptionsSetup>();
        // Metrics scrapes call it every few seconds: its request logging would add four lines per scrape.
        services.AddHttpClient(BrokerManagementClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            // A node that is gone should cost seconds before the next one is asked, not the whole timeout.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
            .RemoveAllLoggers();
        services.AddSingleton<BrokerManagementClient>();
        services.AddSingleton<ISettlementBacklog, BrokerBacklog>();
        services.AddSingleton<ErrorQueueBroker>();
        services.AddTransient<DeadLetterService>();
        return services;
    }
}
